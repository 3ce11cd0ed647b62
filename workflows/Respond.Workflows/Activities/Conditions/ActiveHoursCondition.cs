using System.Text.Json.Nodes;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// <c>condition.activeHours</c>: takes <c>true</c> when now (the injected clock) is inside one of the weekly windows in
/// the given time zone; a window whose <c>to</c> is before its <c>from</c> crosses midnight into the next day.
/// </summary>
public sealed class ActiveHoursCondition : Block
{
    public static IReadOnlyList<string> DayNames { get; } = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    public override BlockDescriptor Descriptor { get; } = new(
        "condition.activeHours",
        BlockCategory.Condition,
        "Active hours",
        "True when now is inside one of the weekly time windows in the given time zone; a window may cross midnight.",
        BlockPorts.Decision,
        [
            new("timeZone", ConfigFieldType.TimeZone, true, "IANA time zone of the windows, e.g. Europe/Berlin."),
            new("windows", ConfigFieldType.Array, true, "Weekly windows; true when inside any of them.",
                ItemType: ConfigFieldType.Object,
                Fields:
                [
                    new("days", ConfigFieldType.Array, true, "Days the window starts on.",
                        AllowedValues: DayNames, ItemType: ConfigFieldType.String),
                    new("from", ConfigFieldType.TimeOfDay, true, "Start, HH:mm."),
                    new("to", ConfigFieldType.TimeOfDay, true, "End, HH:mm; before 'from' means the next day."),
                ]),
        ],
        null);

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        if (config["windows"] is not JsonArray windows)
        {
            return;
        }
        for (var i = 0; i < windows.Count; i++)
        {
            // Equal ends could mean "never" or "all day"; make the author say which.
            if (windows[i] is JsonObject window && FieldConditions.Text(window["from"]) is { } from
                && from == FieldConditions.Text(window["to"]))
            {
                context.Needs($"windows[{i}].to", "to differ from 'from' (use 00:00 to 23:59 for a whole day)");
            }
        }
    }
}
