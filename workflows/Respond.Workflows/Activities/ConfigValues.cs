using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Workflows.Activities;

/// <summary>Reads already validated config values when a block compiles; tolerant, because validation reported the rest.</summary>
internal static class ConfigValues
{
    public static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array
            ? [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())]
            : [];

    public static TimeSpan? Duration(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && IsoDuration.TryParse(value.GetValue<string>(), out var d)
            ? d.Value
            : null;

    public static int Integer(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? (int)value.GetValue<double>() : 0;

    public static bool Boolean(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.True;
}
