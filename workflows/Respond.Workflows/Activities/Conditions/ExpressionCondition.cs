using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// <c>condition.expression</c>: a C# boolean expression over <c>Event</c>, compiled and run in the script sandbox;
/// for logic the other conditions cannot express. Compile errors are reported by the sandbox (validateScript).
/// </summary>
public sealed class ExpressionCondition : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "condition.expression",
        BlockCategory.Condition,
        "Expression",
        "A C# boolean expression over the event, compiled in the script sandbox.",
        BlockPorts.Decision,
        [
            new("expression", ConfigFieldType.Expression, true,
                "C# expression returning bool, e.g. Event.Process.CommandLine.Length > 2000."),
        ],
        null);

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) =>
        FieldConditions.Text(node.Config["expression"]) ?? "";

    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var expression = context.Node.Compiled<string>();
        var evaluator = context.Expressions
            ?? throw new InvalidOperationException(
                "condition.expression needs the script sandbox (an IExpressionEvaluator), and none is configured.");
        var result = await evaluator.EvaluateAsync(expression, context.Event, ct).ConfigureAwait(false);
        return BlockResult.Take(result ? BlockPorts.True : BlockPorts.False,
            new JsonObject { ["expression"] = expression, ["result"] = result });
    }
}
