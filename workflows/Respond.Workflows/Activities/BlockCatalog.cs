using Respond.Workflows.Activities.Actions;
using Respond.Workflows.Activities.Alerts;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Activities.Flow;
using Respond.Workflows.Activities.Gates;
using Respond.Workflows.Activities.Triggers;

namespace Respond.Workflows.Activities;

/// <summary>Every block a rule may use: the designer palette, the API's <c>activityCatalog</c> and the validator's source of truth.</summary>
public static class BlockCatalog
{
    public static IReadOnlyList<Block> Blocks { get; } =
    [
        new EventTrigger(),
        new ScheduleTrigger(),
        new MatchCondition(),
        new ThresholdCondition(),
        new CorrelateCondition(),
        new ActiveHoursCondition(),
        new ExpressionCondition(),
        new ApprovalGate(),
        new CreateAlert(),
        new Delay(),
        .. ResponseActionTypes.All.Select(ResponseActionBlock.For),
    ];

    public static IReadOnlyList<BlockDescriptor> All { get; } = Blocks.Select(block => block.Descriptor).ToArray();

    private static readonly Dictionary<string, Block> ById =
        Blocks.ToDictionary(block => block.Descriptor.Id, StringComparer.Ordinal);

    public static BlockDescriptor? Find(string id) => FindBlock(id)?.Descriptor;

    public static Block? FindBlock(string id) => ById.GetValueOrDefault(id);
}
