using System.Text.Json.Nodes;
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
}
