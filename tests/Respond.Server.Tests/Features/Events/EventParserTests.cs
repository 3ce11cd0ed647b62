using System.Text;
using System.Text.Json;
using Respond.Server.Features.Events;
using Respond.Server.GraphQL;

namespace Respond.Server.Tests.Features.Events;

/// <summary>
/// The validation rules of one event as <see cref="EventParser"/> applies them, without a server: each field found by
/// its name whether or not the sender escaped it, the first unknown field named, and text that is not Unicode found
/// whether or not the event holds escapes.
/// </summary>
public class EventParserTests
{
    private const string Fixed = "\"organizationId\":\"org-a\",\"source\":\"edr\",\"type\":\"process.started\",\"severity\":\"HIGH\",\"time\":\"2026-11-23T10:00:00+01:00\"";

    private static (ParsedEvent? Event, UserError? Error) Parse(string json)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(json));
        return EventParser.Parse(document.RootElement.Clone(), 3);
    }

    [Fact]
    public void Parse_ValidEvent_FieldsRead_TimeInUtc_CanonicalJsonKeepsValuesAsSent()
    {
        var (parsed, error) = Parse($$$"""{"id":"e-1",{{{Fixed}}},"process":{"pid":42,"commandLine":"C:\\users\\a\\run.exe"},"raw":{"n":1}}""");

        Assert.Null(error);
        Assert.Equal(("e-1", "org-a", "edr", "process.started"), (parsed!.EventId, parsed.OrganizationId, parsed.Source, parsed.Type));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), parsed.Time);
        using var stored = JsonDocument.Parse(parsed.Utf8Json);
        Assert.Equal("2026-11-23T09:00:00.0000000+00:00", stored.RootElement.GetProperty("time").GetString());
        Assert.Contains("\"commandLine\":\"C:\\\\users\\\\a\\\\run.exe\"", Encoding.UTF8.GetString(parsed.Utf8Json));
    }

    [Fact]
    public void Parse_FieldNamesSentWithEscapes_ReadAsTheFieldsTheySpell()
    {
        var (parsed, error) = Parse($$$"""{"\u0069d":"e-2",{{{Fixed}}},"us\u0065r":{"n\u0061me":"Alice"}}""");

        Assert.Null(error);
        Assert.Equal("e-2", parsed!.EventId);
        Assert.Contains("\"user\":{\"n\\u0061me\":\"Alice\"}", Encoding.UTF8.GetString(parsed.Utf8Json));
    }

    [Fact]
    public void Parse_FieldSentTwice_TheLastValueCounts()
    {
        var (parsed, _) = Parse($$$"""{"id":"first","id":"last",{{{Fixed}}}}""");

        Assert.Equal("last", parsed!.EventId);
    }

    [Theory]
    [InlineData("\"colour\":\"red\"", "events[3].colour: unknown field; put extra data under 'raw'")]
    [InlineData("\"user\":{\"id\":\"u\",\"phone\":\"1\"}", "events[3].user.phone: unknown field; user has id, name, email")]
    [InlineData("\"process\":{\"pid\":-1}", "events[3].process.pid: must be a non-negative whole number")]
    [InlineData("\"dst\":{\"ip\":\"10.0.0.300\"}", "events[3].dst.ip: '10.0.0.300' is not an IPv4 or IPv6 address")]
    [InlineData("\"file\":{\"sha256\":\"abc\"}", "events[3].file.sha256: must be 64 hexadecimal characters")]
    [InlineData("\"device\":\"laptop\"", "events[3].device: must be an object")]
    [InlineData("\"raw\":[1]", "events[3].raw: must be a JSON object")]
    public void Parse_BadField_RefusedNamingIndexAndField(string field, string message)
    {
        var (parsed, error) = Parse($$$"""{"id":"e-3",{{{Fixed}}},{{{field}}}}""");

        Assert.Null(parsed);
        Assert.Equal(UserErrorCode.InvalidEvent, error!.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("\"severity\":\"HIGH\",", "severity", "required, one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL")]
    [InlineData("\"source\":\"edr\",", "source", "required, a string of 1 to 128 characters")]
    public void Parse_RequiredFieldMissing_RefusedNamingIt(string removed, string field, string why)
    {
        var (_, error) = Parse($$$"""{"id":"e-4",{{{Fixed.Replace(removed, "")}}}}""");

        Assert.Equal($"events[3].{field}: {why}", error!.Message);
    }

    [Theory]
    [InlineData("\"raw\":{\"note\":\"\\ud800\"}", "raw.note")] // a lone surrogate, escaped
    [InlineData("\"raw\":{\"note\":\"a\\u0000b\"}", "raw.note")] // U+0000, escaped
    [InlineData("\"user\":{\"name\":\"C:\\\\users\\\\\\ud800\"}", "user.name")] // an escaped backslash before a u, and a lone surrogate after it
    public void Parse_TextThatIsNotUnicode_RefusedAsInvalidEncodingNamingTheField(string field, string path)
    {
        var (parsed, error) = Parse($$$"""{"id":"e-5",{{{Fixed}}},{{{field}}}}""");

        Assert.Null(parsed);
        Assert.Equal(UserErrorCode.InvalidEncoding, error!.Code);
        Assert.StartsWith($"events[3].{path}: not valid Unicode text", error.Message);
    }

    [Theory]
    [InlineData("\"\\u0022quoted\\u0022, \\u00e9t\\u00E9 \\u002B1\"")] // escapes of ordinary characters, as .NET's encoder writes them
    [InlineData("\"C:\\\\u0000dir\\\\users\"")] // an escaped backslash before a u: no escape
    [InlineData("\"\\ud83d\\ude00\"")] // a surrogate pair, escaped: one character
    public void Parse_EscapesThatSpellUnicodeText_Accepted(string note)
    {
        var (parsed, error) = Parse($$$"""{"id":"e-7",{{{Fixed}}},"raw":{"note":{{{note}}}}}""");

        Assert.Null(error);
        using var stored = JsonDocument.Parse(parsed!.Utf8Json);
        Assert.Equal(JsonDocument.Parse(note).RootElement.GetString(), stored.RootElement.GetProperty("raw").GetProperty("note").GetString());
    }

    [Fact]
    public void Parse_InvalidUtf8Bytes_RefusedAsInvalidEncodingNamingTheField()
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"id":"e-6",{{{Fixed}}},"user":{"name":"__"}}""");
        var at = json.AsSpan().IndexOf("__"u8);
        json[at] = 0xC3; // a lead byte followed by an ASCII byte
        json[at + 1] = 0x28;
        using var document = JsonDocument.Parse(json);

        var (parsed, error) = EventParser.Parse(document.RootElement, 0);

        Assert.Null(parsed);
        Assert.Equal(UserErrorCode.InvalidEncoding, error!.Code);
        Assert.StartsWith("events[0].user.name: not valid Unicode text", error.Message);
    }
}
