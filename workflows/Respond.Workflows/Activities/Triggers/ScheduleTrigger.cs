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
}
