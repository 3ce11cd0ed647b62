using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Workflows.Activities;
using Respond.Workflows.Activities.Conditions;

namespace Respond.Workflows.Validation;

/// <summary>Checks a config object against a block's typed <see cref="ConfigField"/> list; unknown keys are allowed (WORKFLOWS.md: "add optional keys freely").</summary>
public static partial class ConfigSchema
{
    [GeneratedRegex(@"^[A-Za-z_@$][A-Za-z0-9_@$\-]*(\[\d+\])?(\.[A-Za-z0-9_@$\-]+(\[\d+\])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPathPattern();

    public static void Validate(IReadOnlyList<ConfigField> fields, JsonObject config, ValidationContext context) =>
        ValidateObject(fields, config, "", context);

    /// <summary>True for event field paths such as <c>user.id</c>, <c>raw.detail.name</c> or <c>raw.items[0]</c>.</summary>
    public static bool IsFieldPath(string? text) => text is { Length: > 0 and <= 256 } && FieldPathPattern().IsMatch(text);

    private static void ValidateObject(IReadOnlyList<ConfigField> fields, JsonObject obj, string prefix, ValidationContext context)
    {
        foreach (var field in fields)
        {
            var path = prefix + field.Name;
            obj.TryGetPropertyValue(field.Name, out var value);
            if (value is null)
            {
                if (field.Required)
                {
                    context.Needs(path, Requirement(field.Type, field.ItemType, field.AllowedValues));
                }
                continue;
            }
            ValidateValue(field, field.Type, value, path, context);
        }
    }

    private static void ValidateValue(ConfigField field, ConfigFieldType type, JsonNode value, string path, ValidationContext context)
    {
        switch (type)
        {
            case ConfigFieldType.Array:
                if (value is not JsonArray array)
                {
                    context.Needs(path, Requirement(type, field.ItemType, field.AllowedValues) + Got(value));
                    return;
                }
                if (field.Required && array.Count == 0)
                {
                    context.Needs(path, "to list at least one entry");
                    return;
                }
                if (field.ItemType is { } itemType)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        var item = array[i];
                        var itemPath = $"{path}[{i}]";
                        if (item is null)
                        {
                            context.Needs(itemPath, Requirement(itemType, null, field.AllowedValues));
                            continue;
                        }
                        ValidateValue(field, itemType, item, itemPath, context);
                    }
                }
                return;
            case ConfigFieldType.Object:
                if (value is not JsonObject obj)
                {
                    context.Needs(path, Requirement(type, null, null) + Got(value));
                    return;
                }
                if (field.Fields is { } nested)
                {
                    ValidateObject(nested, obj, path + ".", context);
                }
                return;
            case ConfigFieldType.Conditions:
                FieldConditions.Validate(value, path, context);
                return;
            case ConfigFieldType.Any:
                return;
        }

        if (!IsValid(type, value, field.AllowedValues))
        {
            context.Needs(path, Requirement(type, null, field.AllowedValues) + Got(value));
        }
    }

    private static bool IsValid(ConfigFieldType type, JsonNode value, IReadOnlyList<string>? allowed)
    {
        if (type == ConfigFieldType.Integer)
        {
            return value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                && number.TryGetValue<long>(out var whole) && whole > 0;
        }
        if (type == ConfigFieldType.Boolean)
        {
            return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
        }
        if (value is not JsonValue scalar || scalar.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }
        var text = scalar.GetValue<string>();
        return type switch
        {
            ConfigFieldType.String => !string.IsNullOrWhiteSpace(text) && (allowed is null || allowed.Contains(text)),
            ConfigFieldType.Duration => IsoDuration.TryParse(text, out var duration) && duration.Value > TimeSpan.Zero,
            ConfigFieldType.Severity => ApiEnumName.TryParse<Severity>(text, out _),
            ConfigFieldType.FieldPath => IsFieldPath(text),
            ConfigFieldType.TimeZone => !string.IsNullOrWhiteSpace(text) && TimeZoneInfo.TryFindSystemTimeZoneById(text, out _),
            ConfigFieldType.Cron => QuartzCronSyntax.FindProblem(text) is null,
            ConfigFieldType.Template => !string.IsNullOrWhiteSpace(text) && HasBalancedPlaceholders(text),
            ConfigFieldType.Script or ConfigFieldType.Expression => !string.IsNullOrWhiteSpace(text),
            ConfigFieldType.TimeOfDay => TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => true,
        };
    }

    private static bool HasBalancedPlaceholders(string text)
    {
        var depth = 0;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] == '{' && text[i + 1] == '{') { depth++; i++; }
            else if (text[i] == '}' && text[i + 1] == '}') { depth--; i++; }
            if (depth is < 0 or > 1) return false;
        }
        return depth == 0;
    }

    /// <summary>The "to be …" half of an error message, e.g. "to be a whole number greater than 0".</summary>
    public static string Requirement(ConfigFieldType type, ConfigFieldType? itemType, IReadOnlyList<string>? allowed) => type switch
    {
        ConfigFieldType.String when allowed is not null => $"to be one of {string.Join(", ", allowed)}",
        ConfigFieldType.String => "to be a non-empty string",
        ConfigFieldType.Integer => "to be a whole number greater than 0",
        ConfigFieldType.Boolean => "to be true or false",
        ConfigFieldType.Duration => "to be an ISO-8601 duration greater than zero, such as PT10M or P1DT12H",
        ConfigFieldType.Severity => "to be one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL",
        ConfigFieldType.FieldPath => "to be an event field path such as user.id or raw.detail",
        ConfigFieldType.TimeZone => "to be an IANA time zone such as Europe/Berlin",
        ConfigFieldType.Cron => "to be a Quartz cron expression such as '0 0 2 * * ?'",
        ConfigFieldType.Template => "to be non-empty text, with {{field.path}} placeholders closed",
        ConfigFieldType.Object => "to be an object",
        ConfigFieldType.Array when itemType is { } item => $"to be a list, each entry {Requirement(item, null, allowed)["to be ".Length..]}",
        ConfigFieldType.Array => "to be a list",
        ConfigFieldType.Conditions => "to be a list of { field, op, value } conditions",
        ConfigFieldType.Script => "to be C# source code",
        ConfigFieldType.Expression => "to be a C# boolean expression",
        ConfigFieldType.TimeOfDay => "to be a time of day as HH:mm (00:00-23:59)",
        _ => "to be a JSON value",
    };

    internal static string Got(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return $"; got {(text.Length > 40 ? text[..40] + "…" : text)}";
    }
}
