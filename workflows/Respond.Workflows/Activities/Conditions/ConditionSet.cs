using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// The compiled <c>all</c> / <c>any</c> lists of <c>condition.match</c> and of each correlate signal: true when every
/// <c>all</c> condition and at least one <c>any</c> condition hold (an empty list does not constrain).
/// Evaluation stops at the first deciding condition, so the detail lists the conditions that were evaluated.
/// </summary>
public sealed class ConditionSet
{
    // Arrays, iterated as arrays: a foreach over the interface boxes an enumerator, and this runs for every event a
    // match or correlate block sees.
    private readonly FieldCondition[] _all;
    private readonly FieldCondition[] _any;

    private ConditionSet(FieldCondition[] all, FieldCondition[] any)
    {
        _all = all;
        _any = any;
        MayTimeOut = all.Concat(any).Any(c => c.MayTimeOut);
    }

    /// <summary>True when a condition may throw past its time limit instead of answering (<see cref="FieldCondition.MayTimeOut"/>).</summary>
    public bool MayTimeOut { get; }

    public IReadOnlyList<FieldCondition> All => _all;

    public IReadOnlyList<FieldCondition> Any => _any;

    public static ConditionSet Compile(JsonObject config, TimeSpan regexTimeout) =>
        new(Read(config["all"], regexTimeout), Read(config["any"], regexTimeout));

    private static FieldCondition[] Read(JsonNode? list, TimeSpan regexTimeout) =>
        list is JsonArray array ? [.. array.OfType<JsonObject>().Select(c => FieldCondition.Compile(c, regexTimeout))] : [];

    public bool Evaluate(WorkflowEvent e, JsonArray? details)
    {
        foreach (var condition in _all)
        {
            if (!condition.Evaluate(e, details))
            {
                return false;
            }
        }
        if (_any.Length == 0)
        {
            return true;
        }
        foreach (var condition in _any)
        {
            if (condition.Evaluate(e, details))
            {
                return true;
            }
        }
        return false;
    }
}
