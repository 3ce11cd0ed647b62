using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Events;

/// <summary>An event that passed validation, with its canonical JSON (the shape field paths address).</summary>
public sealed record ParsedEvent(string EventId, string OrganizationId, string Source, string Type, Severity Severity, DateTimeOffset Time, string Json);

/// <summary>
/// Validates one event of API.md's EventInput shape and writes its canonical JSON. Every problem is reported
/// with the event's index and the field, e.g. events[3].src.ip, so a sensor can fix exactly what was wrong.
/// </summary>
public static class EventParser
{
    public const int MaxEventBytes = 64 * 1024;

    /// <summary>The error code of an event holding text that is not Unicode; <c>POST /api/events</c> answers 400 for it.</summary>
    private const int MaxText = 1024;
    private static readonly string[] TopLevel = ["id", "organizationId", "source", "type", "severity", "time", "user", "device", "src", "dst", "process", "file", "raw"];
    private static readonly Dictionary<string, string[]> Entities = new()
    {
        ["user"] = ["id", "name", "email"],
        ["device"] = ["id", "hostname"],
        ["src"] = ["ip"],
        ["dst"] = ["ip"],
        ["process"] = ["pid", "name", "path", "commandLine"],
        ["file"] = ["path", "sha256"],
    };

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
            if (!TopLevel.Contains(p.Name)) return (null, Fail(p.Name, "unknown field; put extra data under 'raw'"));

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
                var path = entity + "." + p.Name;
                if (!fields.Contains(p.Name)) return (null, Fail(path, $"unknown field; {entity} has {string.Join(", ", fields)}"));
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (path == "process.pid")
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out var pid) || pid < 0)
                        return (null, Fail(path, "must be a non-negative whole number"));
                    continue;
                }
                if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length > 4096)
                    return (null, Fail(path, "must be a string of at most 4096 characters"));
                var text = p.Value.GetString()!;
                if (p.Name == "ip" && !IPAddress.TryParse(text, out _)) return (null, Fail(path, $"'{text}' is not an IPv4 or IPv6 address"));
                if (path == "file.sha256" && (text.Length != 64 || !text.All(Uri.IsHexDigit))) return (null, Fail(path, "must be 64 hexadecimal characters"));
            }
        }
        if (e.TryGetProperty("raw", out var raw) && raw.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return (null, Fail("raw", "must be a JSON object"));

        var json = Canonical(e, severity, time);
        if (json.Length > MaxEventBytes) return (null, Fail("", $"larger than {MaxEventBytes} bytes"));
        return (new ParsedEvent(id, org, source, type, severity, time, json), null);
    }

    /// <summary>The stored form: known fields only, severity in API spelling, time in UTC ISO-8601.</summary>
    private static string Canonical(JsonElement e, Severity severity, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "severity": w.WriteString("severity", ApiEnumName.Format(severity)); break;
                    case "time": w.WriteString("time", time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
                    default: p.WriteTo(w); break;
                }
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
