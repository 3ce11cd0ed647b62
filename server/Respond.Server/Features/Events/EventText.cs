using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Respond.Server.Features.Events;

/// <summary>
/// Finds text in an event that is not Unicode: invalid UTF-8 bytes, or a <c>\uD800</c> escape without its pair. JSON
/// readers accept both and only fail when the string is read, which used to surface as a 500 in the middle of a batch.
/// A <c>\u0000</c> escape is refused with them: PostgreSQL cannot store U+0000 in text or jsonb, and an event must be
/// storable the same way on every provider.
/// </summary>
public static class EventText
{
    /// <summary>The dotted path of the first such string or field name (e.g. <c>user.name</c>, <c>raw.tags[2]</c>), or null.</summary>
    public static string? FindInvalid(JsonElement element) => IsPlainUtf8(element) ? null : Find(element, "");

    // The common case in one look at the raw bytes: valid UTF-8 as a whole makes every string and name in it valid UTF-8
    // (each is a run of those bytes between ASCII quotes), and only a \u escape can spell a lone surrogate or U+0000.
    // An escape of any other character passes (senders' encoders escape quotes, '+' and '<' so); one of U+0000 or of a
    // surrogate, even half of a valid pair, leaves the decision to the walk.
    private static bool IsPlainUtf8(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (!Utf8.IsValid(raw)) return false;
        for (var at = raw.IndexOf("\\u"u8); at >= 0;)
        {
            // A backslash that ends an odd run of them starts an escape; after an even run, it and the one before are "\\".
            var run = 1;
            while (at - run >= 0 && raw[at - run] == (byte)'\\') run++;
            if (run % 2 == 1 && !EscapesAnOrdinaryCharacter(raw[(at + 2)..])) return false;
            var next = raw[(at + 2)..].IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }
        return true;
    }

    // The four hex digits after \u: neither 0000 nor D800-DFFF.
    private static bool EscapesAnOrdinaryCharacter(ReadOnlySpan<byte> hex) =>
        hex.Length >= 4 && !hex[..4].SequenceEqual("0000"u8) && !((hex[0] | 0x20) == 'd' && "89abcdefABCDEF"u8.Contains(hex[1]));

    // The walk, for an event the look above could not clear: the path of the first string or name that is not text.
    private static string? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValid(JsonMarshal.GetRawUtf8Value(element), element) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsValidName(property)) return Join(path, "(a field name)");
                    if (Find(property.Value, Join(path, property.Name)) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } found) return found;
                }
                return null;
            default:
                return null;
        }
    }

    // Raw bytes without escapes only need a UTF-8 check (JSON has no raw control characters in strings); with escapes,
    // decoding is the check (it throws on a lone surrogate) and the decoded text must hold no U+0000.
    private static bool IsValid(ReadOnlySpan<byte> raw, JsonElement element)
    {
        if (raw.IndexOf((byte)'\\') < 0) return Utf8.IsValid(raw);
        try
        {
            return !element.GetString()!.Contains('\0', StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsValidName(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0) return Utf8.IsValid(raw);
        try
        {
            return !property.Name.Contains('\0', StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    /// <summary>
    /// A GraphQL event input (dictionaries, CLR enums and dates) as event JSON. Strings are escaped here, because the
    /// JSON writer silently turns a lone surrogate into U+FFFD: written as <c>\uD800</c>, it reaches
    /// <see cref="EventParser"/> and is refused with the event's index like on the REST path.
    /// </summary>
    public static JsonElement FromGraphQLInput(object? value)
    {
        var json = new StringBuilder();
        Write(value, json);
        using var document = JsonDocument.Parse(json.ToString());
        return document.RootElement.Clone();
    }

    private static void Write(object? value, StringBuilder json)
    {
        switch (value)
        {
            case Dictionary<string, object?> fields:
                json.Append('{');
                var first = true;
                foreach (var (name, field) in fields)
                {
                    if (field is null) continue;
                    if (!first) json.Append(',');
                    first = false;
                    WriteString(name, json);
                    json.Append(':');
                    Write(field, json);
                }
                json.Append('}');
                break;
            case string text:
                WriteString(text, json);
                break;
            default:
                json.Append(EventsFeature.ToJson(value)?.ToJsonString() ?? "null");
                break;
        }
    }

    private static void WriteString(string text, StringBuilder json)
    {
        json.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < ' ' || char.IsSurrogate(c))
                json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else
                json.Append(c);
        }
        json.Append('"');
    }
}
