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
}
