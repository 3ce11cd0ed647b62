using System.Security.Cryptography;
using System.Text.Json;

namespace Respond.Workflows;

/// <summary>
/// A content hash of a definition that ignores key order and whitespace, so the server can tell whether
/// an imported or re-saved definition actually changed (and pin executions to the exact logic they ran).
/// </summary>
public static class DefinitionHash
{
    /// <returns>SHA-256 of the canonical form, as lowercase hex.</returns>
    public static string Compute(JsonElement definition)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
        {
            WriteCanonical(writer, definition);
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                // Ordinal sort: culture-independent, so every server computes the same hash.
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 1, 1.0 and 1e0 are the same JSON number; write them one way.
                if (element.TryGetInt64(out var whole)) writer.WriteNumberValue(whole);
                else if (element.TryGetDecimal(out var exact) && exact == decimal.Truncate(exact) && exact is >= long.MinValue and <= long.MaxValue)
                    writer.WriteNumberValue((long)exact);
                else if (element.TryGetDouble(out var approximate)) writer.WriteNumberValue(approximate);
                else writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.String:
                // Re-encoding the decoded text makes "\u0041" and "A" identical.
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
