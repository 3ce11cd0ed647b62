using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// <c>condition.correlate</c>: for one <c>groupBy</c> key, events matching each of several named signals all occur
/// within <c>window</c> (optionally in the listed order), e.g. a risky sign-in, then a new inbox forwarding rule,
/// then a mass download by the same user within an hour.
/// </summary>
public sealed class CorrelateCondition : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "condition.correlate",
        BlockCategory.Condition,
        "Correlate signals",
        "True when, for the same group key, events matching every signal occur within the window (optionally in order).",
        BlockPorts.Decision,
        [
            new("groupBy", ConfigFieldType.Array, true, "Fields that must be equal across the signals, e.g. user.id.",
                ItemType: ConfigFieldType.FieldPath),
            new("window", ConfigFieldType.Duration, true, "All signals must occur within this span of event time."),
            new("ordered", ConfigFieldType.Boolean, false, "Signals must occur in the listed order."),
            new("signals", ConfigFieldType.Array, true, "At least two signals, each an event filter with a name.",
                ItemType: ConfigFieldType.Object,
                Fields:
                [
                    new("name", ConfigFieldType.String, true, "Names the signal in alerts and test results."),
                    new("eventTypes", ConfigFieldType.Array, false, "Event types of the signal; they also feed the trigger.",
                        ItemType: ConfigFieldType.String),
                    FieldConditions.ConfigFieldFor("all", "Conditions that must all hold."),
                    FieldConditions.ConfigFieldFor("any", "Conditions of which at least one must hold."),
                ]),
        ],
        null);

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        if (config["signals"] is not JsonArray signals)
        {
            return; // the schema check already reported it
        }
        if (signals.Count < 2)
        {
            context.Needs("signals", "to list at least 2 signals (one signal is a condition.match)");
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < signals.Count; i++)
        {
            if (signals[i] is not JsonObject signal)
            {
                continue;
            }
            if (FieldConditions.Text(signal["name"]) is { Length: > 0 } name && !names.Add(name))
            {
                context.Report($"signals[{i}].name", $"Signal name '{name}' is used twice; each signal needs its own name.");
            }
            // A signal without a filter matches every event and would make the correlation meaningless.
            if (signal["eventTypes"] is not JsonArray { Count: > 0 } && signal["all"] is not JsonArray { Count: > 0 }
                && signal["any"] is not JsonArray { Count: > 0 })
            {
                context.Needs($"signals[{i}]", "to have 'eventTypes', 'all' or 'any' so it does not match every event");
            }
        }
    }

    public sealed record Signal(string Name, IReadOnlySet<string>? EventTypes, ConditionSet Conditions);

    public sealed record Settings(IReadOnlyList<EventFieldPath> GroupBy, TimeSpan Window, bool Ordered, IReadOnlyList<Signal> Signals)
    {
        /// <summary>The window as details show it (ISO 8601), formatted once per rule version.</summary>
        public string WindowText { get; } = new IsoDuration(Window).ToString();
    }

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) => new Settings(
        [.. ConfigValues.Strings(node.Config["groupBy"]).Select(EventFieldPath.Parse)],
        ConfigValues.Duration(node.Config["window"]) ?? TimeSpan.Zero,
        ConfigValues.Boolean(node.Config["ordered"]),
        [.. (node.Config["signals"] as JsonArray ?? []).OfType<JsonObject>().Select(signal => new Signal(
            FieldConditions.Text(signal["name"]) ?? "",
            ConfigValues.Strings(signal["eventTypes"]) is { Count: > 0 } types ? new HashSet<string>(types, StringComparer.Ordinal) : null,
            ConditionSet.Compile(signal, CompiledRule.RegexTimeout)))]);

    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var settings = context.Node.Compiled<Settings>();
        var e = context.Event;
        var matched = settings.Signals
            .Where(signal => (signal.EventTypes is null || signal.EventTypes.Contains(e.Type)) && signal.Conditions.Evaluate(e, null))
            .Select(signal => signal.Name)
            .ToList();
        var groupKey = EventFieldPath.GroupKey(e, settings.GroupBy);
        var detail = new JsonObject
        {
            ["groupKey"] = groupKey,
            ["matchedSignals"] = new JsonArray([.. matched.Select(name => (JsonNode)name)]),
            ["window"] = settings.WindowText,
            ["ordered"] = settings.Ordered,
        };
        if (matched.Count == 0 || groupKey is null)
        {
            return BlockResult.Take(BlockPorts.False, detail);
        }
        context.Instance.Variables[WorkflowEngine.GroupKeyVariable] = groupKey;
        var key = context.WindowFor(groupKey);
        var entries = SlidingWindow.Prune(await context.Windows.GetAsync(key, ct).ConfigureAwait(false), e.Time, settings.Window);
        foreach (var name in matched)
        {
            if (!entries.Any(entry => entry.EventId == e.Id && entry.Signal == name))
            {
                entries.Add(new WindowEntry(e.Time, e.Id, name));
            }
        }
        // Stable by time, so entries of one time keep their arrival order.
        entries = [.. entries.OrderBy(entry => entry.Time)];
        var chain = settings.Ordered ? InOrder(settings.Signals, entries, e.Time) : AnyOrder(settings.Signals, entries, e.Time);
        detail["seenSignals"] = new JsonArray([.. entries.Select(entry => entry.Signal).Distinct().Select(name => (JsonNode?)name)]);
        if (chain is null)
        {
            await context.Windows.SetAsync(key, entries, ct).ConfigureAwait(false);
            return BlockResult.Take(BlockPorts.False, detail);
        }
        await context.Windows.SetAsync(key, [], ct).ConfigureAwait(false); // fired: the group starts afresh
        detail["signals"] = new JsonArray([.. chain.Select(entry => (JsonNode)new JsonObject
        {
            ["name"] = entry.Signal,
            ["eventId"] = entry.EventId,
            ["time"] = entry.Time,
        })]);
        return BlockResult.Take(BlockPorts.True, detail);
    }

    /// <summary>The latest entry of each signal up to now, when every signal has one.</summary>
    private static List<WindowEntry>? AnyOrder(IReadOnlyList<Signal> signals, List<WindowEntry> entries, DateTimeOffset now)
    {
        var chain = new List<WindowEntry>(signals.Count);
        foreach (var signal in signals)
        {
            var found = entries.LastOrDefault(entry => entry.Signal == signal.Name && entry.Time <= now);
            if (found is null)
            {
                return null;
            }
            chain.Add(found);
        }
        return chain;
    }

    /// <summary>The earliest chain with one entry per signal in the listed order (each at or after the previous one, by time then arrival).</summary>
    private static List<WindowEntry>? InOrder(IReadOnlyList<Signal> signals, List<WindowEntry> entries, DateTimeOffset now)
    {
        var chain = new List<WindowEntry>(signals.Count);
        var position = -1;
        foreach (var signal in signals)
        {
            position = entries.FindIndex(position + 1, entry => entry.Signal == signal.Name && entry.Time <= now);
            if (position < 0)
            {
                return null;
            }
            chain.Add(entries[position]);
        }
        return chain;
    }
}
