using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Triggers;

/// <summary><c>trigger.schedule</c>: starts an instance on a Quartz cron schedule, e.g. for periodic checks.</summary>
public sealed class ScheduleTrigger : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "trigger.schedule",
        BlockCategory.Trigger,
        "Schedule",
        "Starts the rule on a cron schedule (Quartz syntax).",
        BlockPorts.Sequential,
        [
            new("cron", ConfigFieldType.Cron, true, "Quartz cron expression, e.g. '0 0 2 * * ?' for 02:00 every day."),
            new("timeZone", ConfigFieldType.TimeZone, false, "IANA time zone the schedule runs in; UTC when left out."),
        ],
        null);

    /// <summary>Quartz cron and IANA time zone (UTC when the rule names none).</summary>
    public sealed record Settings(string Cron, string TimeZone);

    /// <summary>The event type of the synthetic event a schedule-triggered instance runs on.</summary>
    public const string TickEventType = "schedule.tick";

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) =>
        new Settings(FieldConditions.Text(node.Config["cron"])!, FieldConditions.Text(node.Config["timeZone"]) ?? "UTC");

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct) =>
        ValueTask.FromResult(BlockResult.Take(BlockPorts.Next));
}
