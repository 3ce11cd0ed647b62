namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// A <c>regex</c> condition ran past its match time limit on an event. It is thrown, not read as "no match": a pattern
/// an attacker can make backtrack (by sending a long crafted value) would otherwise be a quiet way past the rule. The
/// engine faults the run with this message, so it shows in <c>ruleExecutions</c> and in the rule's health.
/// </summary>
public sealed class RegexConditionTimeoutException(string field, string pattern, TimeSpan limit)
    : Exception($"The regex condition on {field} ran past its {limit.TotalMilliseconds:0} ms limit on this event (pattern {Shorten(pattern)}); " +
        "the run is marked as errored instead of counting as no match. Simplify the pattern (nested or overlapping quantifiers backtrack).")
{
    public string Field { get; } = field;

    private static string Shorten(string pattern) => pattern.Length > 100 ? pattern[..100] + "…" : pattern;
}
