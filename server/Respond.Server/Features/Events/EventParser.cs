using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Events;

/// <summary>
/// An event that passed validation, its time in UTC, with its canonical JSON (the shape field paths address) as UTF-8,
/// the form the log stores: on SQLite it is bound as it is, never turned into a string on the way.
/// </summary>
public sealed record ParsedEvent(string EventId, string OrganizationId, string Source, string Type, Severity Severity, DateTimeOffset Time, byte[] Utf8Json);

/// <summary>
/// Validates one event of API.md's EventInput shape and writes its canonical JSON. Every problem is reported
/// with the event's index and the field, e.g. events[3].src.ip, so a sensor can fix exactly what was wrong.
/// </summary>
public static class EventParser
{
    public const int MaxEventBytes = 64 * 1024;

    /// <summary>The error code of an event holding text that is not Unicode; <c>POST /api/events</c> answers 400 for it.</summary>
    private const int MaxText = 1024;
    private const int MaxFieldText = 4096;
    private static readonly byte[][] TopLevelUtf8 = Utf8Names(["id", "organizationId", "source", "type", "severity", "time", "user", "device", "src", "dst", "process", "file", "raw"]);
    private static readonly (string Entity, (string[] Names, byte[][] Utf8) Fields)[] Entities =
    [
        ("user", Fields("id", "name", "email")),
        ("device", Fields("id", "hostname")),
        ("src", Fields("ip")),
        ("dst", Fields("ip")),
        ("process", Fields("pid", "name", "path", "commandLine")),
        ("file", Fields("path", "sha256")),
    ];

    private static (string[] Names, byte[][] Utf8) Fields(params string[] names) => (names, Utf8Names(names));

    private static byte[][] Utf8Names(string[] names) => [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

    // Compares the property's name without decoding it to a string (every field of every event goes through here).
    private static bool IsOneOf(JsonProperty property, byte[][] names)
    {
        foreach (var name in names)
            if (property.NameEquals(name)) return true;
        return false;
    }

    public static (ParsedEvent? Event, UserError? Error) Parse(JsonElement e, int index)
    {
        UserError Fail(string field, string message) =>
            new(UserErrorCode.InvalidEvent, $"events[{index}]{(field.Length > 0 ? "." + field : "")}: {message}",
                ["input", "events", index.ToString(CultureInfo.InvariantCulture), .. field.Split('.', StringSplitOptions.RemoveEmptyEntries)]);

        if (e.ValueKind != JsonValueKind.Object) return (null, Fail("", "an event must be a JSON object"));
        if (EventText.FindInvalid(e) is { } badText)
            return (null, new UserError(UserErrorCode.InvalidEncoding,
                $"events[{index}]{(badText.Length > 0 ? "." + badText : "")}: not valid Unicode text (invalid UTF-8, a lone surrogate or U+0000); send UTF-8",
                ["input", "events", index.ToString(CultureInfo.InvariantCulture), .. badText.Split('.', StringSplitOptions.RemoveEmptyEntries)]));
        foreach (var p in e.EnumerateObject())
            if (!IsOneOf(p, TopLevelUtf8)) return (null, Fail(p.Name, "unknown field; put extra data under 'raw'"));

        string? Text(string name, bool required, int max = MaxText)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return required ? null : "";
            return v.ValueKind == JsonValueKind.String && v.GetString()!.Length is > 0 and var len && len <= max ? v.GetString() : null;
        }

        var id = Text("id", true, 128);
        if (id is null) return (null, Fail("id", "required, a string of 1 to 128 characters"));
        var org = Text("organizationId", true, 64);
        if (org is null) return (null, Fail("organizationId", "required, a string"));
        var source = Text("source", true, 128);
        if (source is null) return (null, Fail("source", "required, a string of 1 to 128 characters"));
        var type = Text("type", true, 128);
        if (type is null) return (null, Fail("type", "required, a string of 1 to 128 characters"));
        var severityText = Text("severity", true, 32);
        if (severityText is null || !ApiEnumName.TryParse<Severity>(severityText, out var severity))
            return (null, Fail("severity", "required, one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL"));
        var timeText = Text("time", true, 64);
        if (timeText is null || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return (null, Fail("time", "required, an ISO-8601 date and time"));

        foreach (var (entity, fields) in Entities)
        {
            if (!e.TryGetProperty(entity, out var value) || value.ValueKind == JsonValueKind.Null) continue;
            if (value.ValueKind != JsonValueKind.Object) return (null, Fail(entity, "must be an object"));
            foreach (var p in value.EnumerateObject())
            {
                if (!IsOneOf(p, fields.Utf8)) return (null, Fail(entity + "." + p.Name, $"unknown field; {entity} has {string.Join(", ", fields.Names)}"));
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (entity == "process" && p.NameEquals("pid"u8))
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out var pid) || pid < 0)
                        return (null, Fail("process.pid", "must be a non-negative whole number"));
                    continue;
                }
                // Raw UTF-8 is at least as long as its text: only values near the limit are decoded to count characters.
                if (p.Value.ValueKind != JsonValueKind.String
                    || (JsonMarshal.GetRawUtf8Value(p.Value).Length > MaxFieldText && p.Value.GetString()!.Length > MaxFieldText))
                    return (null, Fail(entity + "." + p.Name, $"must be a string of at most {MaxFieldText} characters"));
                if (p.NameEquals("ip"u8) && !IPAddress.TryParse(p.Value.GetString()!, out _))
                    return (null, Fail(entity + "." + p.Name, $"'{p.Value.GetString()}' is not an IPv4 or IPv6 address"));
                if (entity == "file" && p.NameEquals("sha256"u8) && p.Value.GetString() is var sha && (sha!.Length != 64 || !sha.All(Uri.IsHexDigit)))
                    return (null, Fail("file.sha256", "must be 64 hexadecimal characters"));
            }
        }
        if (e.TryGetProperty("raw", out var raw) && raw.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return (null, Fail("raw", "must be a JSON object"));

        // In UTC, as the log stores it: whoever takes the parsed event (testRule) sees the event live evaluation reads back.
        time = time.ToUniversalTime();
        var json = Canonical(e, severity, time);
        if (json.Length > MaxEventBytes) return (null, Fail("", $"larger than {MaxEventBytes} bytes"));
        return (new ParsedEvent(id, org, source, type, severity, time, json), null);
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_canonical;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The stored form: the event's fields as sent, except severity in API spelling and time in UTC ISO-8601. Values are
    /// copied as their raw JSON (already validated by the parser), so a string is not decoded and escaped again.
    /// </summary>
    private static byte[] Canonical(JsonElement e, Severity severity, DateTimeOffset time)
    {
        var buffer = t_canonical ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        w.Reset(buffer);
        w.WriteStartObject();
        foreach (var p in e.EnumerateObject())
        {
            if (p.NameEquals("severity"u8)) w.WriteString("severity"u8, ApiEnumName.Format(severity));
            else if (p.NameEquals("time"u8)) w.WriteString("time"u8, time.ToString("O", CultureInfo.InvariantCulture));
            else
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(p);
                // A name sent with escapes is written from its decoded text: the raw bytes would be escaped twice.
                if (name.IndexOf((byte)'\\') < 0) w.WritePropertyName(name);
                else w.WritePropertyName(p.Name);
                w.WriteRawValue(JsonMarshal.GetRawUtf8Value(p.Value), skipInputValidation: true);
            }
        }
        w.WriteEndObject();
        w.Flush();
        var json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 4 * MaxEventBytes) t_canonical = null; // an oversized event's buffer is not kept per thread
        return json;
    }
}
