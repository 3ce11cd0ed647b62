namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// <c>condition.threshold</c>: counts matching events per <c>groupBy</c> key within a sliding <c>window</c> of event
/// time and takes <c>true</c> when the count reaches <c>count</c>; that group then starts afresh.
/// </summary>
public sealed class ThresholdCondition : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "condition.threshold",
        BlockCategory.Condition,
        "Threshold",
        "True when the number of events per group key within the sliding window (event time) reaches the count; the group then starts afresh.",
        BlockPorts.Decision,
        [
            new("count", ConfigFieldType.Integer, true, "How many events within the window make it true."),
            new("window", ConfigFieldType.Duration, true, "Sliding window of event time, e.g. PT10M."),
            new("groupBy", ConfigFieldType.Array, true, "Fields that form the group key, e.g. user.id.",
                ItemType: ConfigFieldType.FieldPath),
        ],
        null);
}
