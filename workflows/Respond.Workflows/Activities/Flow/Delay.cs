using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Flow;

/// <summary><c>flow.delay</c>: suspends the instance for a duration (a bookmark resumed by the scheduler), then continues.</summary>
public sealed class Delay : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "flow.delay",
        BlockCategory.Flow,
        "Delay",
        "Waits for a duration, then continues.",
        BlockPorts.Sequential,
        [
            new("duration", ConfigFieldType.Duration, true, "How long to wait, e.g. PT15M."),
        ],
        null);

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) =>
        new Settings(ConfigValues.Duration(node.Config["duration"]) ?? TimeSpan.Zero);

    public sealed record Settings(TimeSpan Duration);

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var duration = context.Node.Compiled<Settings>().Duration;
        var variables = context.Instance.Variables;
        // Conditions after the delay judge by event time plus the wait, as they would live.
        variables[WorkflowEngine.DelayedSecondsVariable] = ((double?)variables[WorkflowEngine.DelayedSecondsVariable] ?? 0) + duration.TotalSeconds;
        var resumeAt = context.Now + duration;
        return ValueTask.FromResult(BlockResult.Suspend(
            new Bookmark(context.NewId(), context.Node.Id, Bookmark.Delay, null, resumeAt),
            new JsonObject { ["duration"] = new IsoDuration(duration).ToString(), ["resumeAt"] = resumeAt }));
    }
}
