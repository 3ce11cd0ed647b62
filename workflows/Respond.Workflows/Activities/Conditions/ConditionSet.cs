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
    private ConditionSet(IReadOnlyList<FieldCondition> all, IReadOnlyList<FieldCondition> any)
    {
        All = all;
        Any = any;
    }

    public IReadOnlyList<FieldCondition> All { get; }

    public IReadOnlyList<FieldCondition> Any { get; }

    public static ConditionSet Compile(JsonObject config, TimeSpan regexTimeout) =>
        new(Read(config["all"], regexTimeout), Read(config["any"], regexTimeout));

    private static FieldCondition[] Read(JsonNode? list, TimeSpan regexTimeout) =>
        list is JsonArray array ? [.. array.OfType<JsonObject>().Select(c => FieldCondition.Compile(c, regexTimeout))] : [];

    public bool Evaluate(WorkflowEvent e, JsonArray? details)
    {
        foreach (var condition in All)
        {
            if (!condition.Evaluate(e, details))
            {
                return false;
            }
        }
        if (Any.Count == 0)
        {
            return true;
        }
        foreach (var condition in Any)
        {
            if (condition.Evaluate(e, details))
            {
                return true;
            }
        }
        return false;
    }
}
