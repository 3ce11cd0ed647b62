using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

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

    public sealed record Settings(int Count, TimeSpan Window, IReadOnlyList<EventFieldPath> GroupBy)
    {
        /// <summary>The window as details show it (ISO 8601), formatted once per rule version.</summary>
        public string WindowText { get; } = new IsoDuration(Window).ToString();
    }

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) => new Settings(
        ConfigValues.Integer(node.Config["count"]),
        ConfigValues.Duration(node.Config["window"]) ?? TimeSpan.Zero,
        [.. ConfigValues.Strings(node.Config["groupBy"]).Select(EventFieldPath.Parse)]);

    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var settings = context.Node.Compiled<Settings>();
        var counted = context.Instance.Counted is { } before && before.NodeId == context.Node.Id
            ? before
            : await CountAsync(context.Engine, context.Rule, context.Node, context.Event, ct).ConfigureAwait(false);
        if (counted is null)
        {
            return BlockResult.Take(BlockPorts.False, !context.Options.DetailFalseMatches ? null : new JsonObject
            {
                ["groupKey"] = null,
                ["reason"] = $"The event has none of the groupBy fields ({string.Join(", ", settings.GroupBy)}).",
            });
        }
        context.Instance.Variables[WorkflowEngine.GroupKeyVariable] = counted.GroupKey;
        // Reaching the count fires once; the group then starts afresh, so a storm is not one alert per event.
        if (counted.Count.Reached is null && !context.Options.DetailFalseMatches)
        {
            return BlockResult.Take(BlockPorts.False, null);
        }
        var detail = new JsonObject
        {
            ["groupKey"] = counted.GroupKey,
            ["count"] = counted.Count.Count,
            ["required"] = settings.Count,
            ["window"] = settings.WindowText,
        };
        if (counted.Count.Reached is { } entries)
        {
            detail["eventIds"] = new JsonArray([.. entries.Select(entry => (JsonNode)entry.EventId)]);
        }
        return BlockResult.Take(counted.Count.Reached is not null ? BlockPorts.True : BlockPorts.False, detail);
    }

    /// <summary>
    /// Counts the event in its group's window of the threshold <paramref name="node"/>; null, and nothing counted, when
    /// the event has none of the <c>groupBy</c> fields. The block and the engine's count before an instance
    /// (<see cref="WorkflowEngine.StartIfProceedsAsync"/>) both count through here.
    /// </summary>
    internal static async ValueTask<ThresholdCount?> CountAsync(WorkflowEngine engine, CompiledRule rule, CompiledNode node, WorkflowEvent e, CancellationToken ct)
    {
        var settings = node.Compiled<Settings>();
        if (EventFieldPath.GroupKey(e, settings.GroupBy) is not { } groupKey)
        {
            return null;
        }
        var key = BlockContext.WindowFor(rule, node, e, groupKey);
        return new ThresholdCount(node.Id, groupKey,
            await engine.Windows.CountAsync(key, e.Time, e.Id, settings.Window, settings.Count, ct).ConfigureAwait(false));
    }
}
