using System.Globalization;
using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
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

    /// <summary>One weekly window: the days it starts on, its start and its end (exclusive; 23:59 means the end of the day).</summary>
    public sealed record Window(IReadOnlySet<DayOfWeek> Days, TimeSpan From, TimeSpan To)
    {
        public bool CrossesMidnight => To <= From;
    }

    public sealed record Settings(TimeZoneInfo TimeZone, IReadOnlyList<Window> Windows);

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) => new Settings(
        TimeZoneInfo.FindSystemTimeZoneById(FieldConditions.Text(node.Config["timeZone"]) ?? "UTC"),
        [.. (node.Config["windows"] as JsonArray ?? []).OfType<JsonObject>().Select(window => new Window(
            ConfigValues.Strings(window["days"]).Select(day => (DayOfWeek)((DayNames.ToList().IndexOf(day) + 1) % 7)).ToHashSet(),
            TimeOfDay(window["from"], end: false),
            TimeOfDay(window["to"], end: true)))]);

    // The docs tell authors to write 00:00 to 23:59 for a whole day, so 23:59 as an end means "until midnight".
    private static TimeSpan TimeOfDay(JsonNode? node, bool end)
    {
        var time = TimeSpan.ParseExact(FieldConditions.Text(node) ?? "00:00", @"hh\:mm", CultureInfo.InvariantCulture);
        return end && time == new TimeSpan(23, 59, 0) ? TimeSpan.FromDays(1) : time;
    }

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var settings = context.Node.Compiled<Settings>();
        var now = context.EvaluationTime;
        var inside = IsInside(settings, now, out var local);
        return ValueTask.FromResult(BlockResult.Take(inside ? BlockPorts.True : BlockPorts.False, new JsonObject
        {
            ["timeZone"] = settings.TimeZone.Id,
            ["at"] = now,
            ["localTime"] = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            ["localDay"] = DayNames[((int)local.DayOfWeek + 6) % 7],
            ["result"] = inside,
        }));
    }

    /// <summary>
    /// Judges by the wall-clock time in the zone (TimeZoneInfo applies the DST rules of that date), so "09:00" means
    /// 09:00 local in winter and in summer.
    /// </summary>
    public static bool IsInside(Settings settings, DateTimeOffset instant, out DateTime local)
    {
        local = TimeZoneInfo.ConvertTime(instant, settings.TimeZone).DateTime;
        var time = local.TimeOfDay;
        var yesterday = (DayOfWeek)(((int)local.DayOfWeek + 6) % 7);
        foreach (var window in settings.Windows)
        {
            if (!window.CrossesMidnight)
            {
                if (window.Days.Contains(local.DayOfWeek) && time >= window.From && time < window.To)
                {
                    return true;
                }
            }
            else if ((window.Days.Contains(local.DayOfWeek) && time >= window.From)
                || (window.Days.Contains(yesterday) && time < window.To))
            {
                return true;
            }
        }
        return false;
    }
}
