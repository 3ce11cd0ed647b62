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
        var e = context.Event;
        if (EventFieldPath.GroupKey(e, settings.GroupBy) is not { } groupKey)
        {
            return BlockResult.Take(BlockPorts.False, !context.Options.DetailFalseMatches ? null : new JsonObject
            {
                ["groupKey"] = null,
                ["reason"] = $"The event has none of the groupBy fields ({string.Join(", ", settings.GroupBy)}).",
            });
        }
        context.Instance.Variables[WorkflowEngine.GroupKeyVariable] = groupKey;
        var key = context.WindowFor(groupKey);
        using (await context.LockAsync(key, ct).ConfigureAwait(false))
        {
            var entries = SlidingWindow.Prune(await context.Windows.GetAsync(key, ct).ConfigureAwait(false), e.Time, settings.Window);
            if (!Holds(entries, e.Id))
            {
                entries.Add(new WindowEntry(e.Time, e.Id, null));
            }
            var reached = entries.Count >= settings.Count;
            // Reaching the count fires once; the group then starts afresh, so a storm is not one alert per event.
            await context.Windows.SetAsync(key, reached ? [] : entries, ct).ConfigureAwait(false);
            if (!reached && !context.Options.DetailFalseMatches)
            {
                return BlockResult.Take(BlockPorts.False, null);
            }
            var detail = new JsonObject
            {
                ["groupKey"] = groupKey,
                ["count"] = entries.Count,
                ["required"] = settings.Count,
                ["window"] = settings.WindowText,
            };
            if (reached)
            {
                detail["eventIds"] = new JsonArray([.. entries.Select(entry => (JsonNode)entry.EventId)]);
            }
            return BlockResult.Take(reached ? BlockPorts.True : BlockPorts.False, detail);
        }
    }

    // A loop, not Any(): this runs for every event a threshold rule sees, and a lambda over the list allocated a closure and an enumerator each time.
    private static bool Holds(List<WindowEntry> entries, string eventId)
    {
        foreach (var entry in entries)
        {
            if (entry.EventId == eventId)
            {
                return true;
            }
        }
        return false;
    }
}
