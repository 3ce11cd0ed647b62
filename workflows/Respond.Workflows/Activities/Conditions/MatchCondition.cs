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

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var conditions = context.Node.Compiled<ConditionSet>();
        if (!context.Options.DetailFalseMatches && DecideOnEvent(context.Node, context.Event) == BlockPorts.False)
            return ValueTask.FromResult(BlockResult.Take(BlockPorts.False, null));
        var details = new JsonArray();
        var result = conditions.Evaluate(context.Event, details);
        return ValueTask.FromResult(BlockResult.Take(result ? BlockPorts.True : BlockPorts.False,
            new JsonObject { ["conditions"] = details }));
    }
}
