using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
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
    // The top-level fields, in the order of their slots below; the entities' slots follow the fixed ones in Entities' order.
    private static readonly byte[][] TopLevelUtf8 = Utf8Names(["id", "organizationId", "source", "type", "severity", "time", "user", "device", "src", "dst", "process", "file", "raw"]);
    private const int IdSlot = 0, OrganizationSlot = 1, SourceSlot = 2, TypeSlot = 3, SeveritySlot = 4, TimeSlot = 5, FirstEntitySlot = 6, RawSlot = 12;
    private static readonly (string Entity, (string[] Names, byte[][] Utf8) Fields)[] Entities =
    [
        ("user", Fields("id", "name", "email")),
        ("device", Fields("id", "hostname")),
        ("src", Fields("ip")),
        ("dst", Fields("ip")),
        ("process", Fields("pid", "name", "path", "commandLine")),
        ("file", Fields("path", "sha256")),
    ];
    private const int ProcessEntity = 4, FileEntity = 5;

    private static (string[] Names, byte[][] Utf8) Fields(params string[] names) => (names, Utf8Names(names));

    private static byte[][] Utf8Names(string[] names) => [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

    /// <summary>The top-level fields of one event by slot; a field the event does not have is <see cref="JsonValueKind.Undefined"/>.</summary>
    [InlineArray(13)]
    private struct TopLevelFields
    {
        private JsonElement _first;
    }

    // Which of the names the property's is, or -1. The raw name is compared as it is unless it holds an escape (every
    // field of every event goes through here, and senders do not escape plain ASCII names).
    private static int IndexOf(JsonProperty property, byte[][] names)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        var escaped = raw.IndexOf((byte)'\\') >= 0;
        for (var i = 0; i < names.Length; i++)
            if (escaped ? property.NameEquals(names[i]) : raw.SequenceEqual(names[i])) return i;
        return -1;
    }

    // A text field: null when it is required and missing, or not a string of 1 to max characters; "" when optional and missing.
    private static string? Text(JsonElement v, bool required, int max = MaxText)
    {
        if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return required ? null : "";
        return v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } text && text.Length <= max ? text : null;
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
        // One pass over the fields: each to its slot (a field sent twice counts as its last value, as JSON readers take it).
        var fields = new TopLevelFields();
        foreach (var p in e.EnumerateObject())
        {
            if (IndexOf(p, TopLevelUtf8) is var slot and >= 0) fields[slot] = p.Value;
            else return (null, Fail(p.Name, "unknown field; put extra data under 'raw'"));
        }

        var id = Text(fields[IdSlot], true, 128);
        if (id is null) return (null, Fail("id", "required, a string of 1 to 128 characters"));
        var org = Text(fields[OrganizationSlot], true, 64);
        if (org is null) return (null, Fail("organizationId", "required, a string"));
        var source = Text(fields[SourceSlot], true, 128);
        if (source is null) return (null, Fail("source", "required, a string of 1 to 128 characters"));
        var type = Text(fields[TypeSlot], true, 128);
        if (type is null) return (null, Fail("type", "required, a string of 1 to 128 characters"));
        var severityText = Text(fields[SeveritySlot], true, 32);
        if (severityText is null || !ApiEnumName.TryParse<Severity>(severityText, out var severity))
            return (null, Fail("severity", "required, one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL"));
        var timeText = Text(fields[TimeSlot], true, 64);
        if (timeText is null || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return (null, Fail("time", "required, an ISO-8601 date and time"));

        for (var k = 0; k < Entities.Length; k++)
        {
            var (entity, names) = Entities[k];
            var value = fields[FirstEntitySlot + k];
            if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) continue;
            if (value.ValueKind != JsonValueKind.Object) return (null, Fail(entity, "must be an object"));
            foreach (var p in value.EnumerateObject())
            {
                var field = IndexOf(p, names.Utf8);
                if (field < 0) return (null, Fail(entity + "." + p.Name, $"unknown field; {entity} has {string.Join(", ", names.Names)}"));
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (k == ProcessEntity && field == 0) // pid
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out var pid) || pid < 0)
                        return (null, Fail("process.pid", "must be a non-negative whole number"));
                    continue;
                }
                // Raw UTF-8 is at least as long as its text: only values near the limit are decoded to count characters.
                if (p.Value.ValueKind != JsonValueKind.String
                    || (JsonMarshal.GetRawUtf8Value(p.Value).Length > MaxFieldText && p.Value.GetString()!.Length > MaxFieldText))
                    return (null, Fail(entity + "." + p.Name, $"must be a string of at most {MaxFieldText} characters"));
                if (names.Names[field] == "ip" && p.Value.GetString() is var ip && !IPAddress.TryParse(ip!, out _))
                    return (null, Fail(entity + "." + p.Name, $"'{ip}' is not an IPv4 or IPv6 address"));
                if (k == FileEntity && names.Names[field] == "sha256" && p.Value.GetString() is var sha && (sha!.Length != 64 || !sha.All(Uri.IsHexDigit)))
                    return (null, Fail("file.sha256", "must be 64 hexadecimal characters"));
            }
        }
        if (fields[RawSlot].ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Null))
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
