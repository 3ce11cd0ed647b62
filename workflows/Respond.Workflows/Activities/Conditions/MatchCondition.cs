using System.Text.Json.Nodes;
using Respond.Workflows.Validation;

using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// <c>condition.match</c>: tests fields of the event; takes <c>true</c> when every <c>all</c> condition and at
/// least one <c>any</c> condition hold.
/// </summary>
public sealed class MatchCondition : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "condition.match",
        BlockCategory.Condition,
        "Match fields",
        "Tests fields of the event: all of the 'all' conditions and at least one of the 'any' conditions must hold.",
        BlockPorts.Decision,
        [
            FieldConditions.ConfigFieldFor("all", "Conditions that must all hold."),
            FieldConditions.ConfigFieldFor("any", "Conditions of which at least one must hold."),
        ],
        null);

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        // An empty match is always true, which is never what the author meant.
        if (config["all"] is not JsonArray { Count: > 0 } && config["any"] is not JsonArray { Count: > 0 })
        {
            context.Needs("all", "or 'any' to hold at least one condition");
        }
    }

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) =>
        ConditionSet.Compile(node.Config, CompiledRule.RegexTimeout);

    public override string DecideOnEvent(CompiledNode node, WorkflowEvent e) =>
        node.Compiled<ConditionSet>().Evaluate(e, null) ? BlockPorts.True : BlockPorts.False;

    public override bool MayNotDecide(CompiledNode node) => node.Compiled<ConditionSet>().MayTimeOut;

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var conditions = context.Node.Compiled<ConditionSet>();
        var e = context.Event;
        var result = conditions.Evaluate(e, null);
        if (!result && !context.Options.DetailFalseMatches) return ValueTask.FromResult(BlockResult.Take(BlockPorts.False, null));
        // What each condition compared is built when the step's detail is read: conditions are pure functions of the
        // event, so it is what they compared now.
        return ValueTask.FromResult(BlockResult.TakeDetailWhenRead(result ? BlockPorts.True : BlockPorts.False, () => Detail(conditions, e)));
    }

    private static JsonObject Detail(ConditionSet conditions, WorkflowEvent e)
    {
        var details = new JsonArray();
        try
        {
            conditions.Evaluate(e, details);
        }
        catch (RegexConditionTimeoutException timeout)
        {
            // The decision itself did not time out; a second run of the same pattern did. Say so rather than fail the reader.
            details.Add(new JsonObject { ["error"] = timeout.Message });
        }
        return new JsonObject { ["conditions"] = details };
    }
}
