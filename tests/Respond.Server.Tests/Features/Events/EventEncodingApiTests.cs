using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

/// <summary>Text that is not Unicode (invalid UTF-8, a lone surrogate) or holds U+0000 (which PostgreSQL cannot store) is refused with the event's index, never a 500 and never stored mangled.</summary>
public abstract class EventEncodingApiTests(RespondApiFixture api)
{
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28]; // a lead byte followed by an ASCII byte

    /// <summary>The events as UTF-8 JSON, with the user name of the event whose user is <c>u-bad</c> replaced by <paramref name="badName"/>.</summary>
    private static byte[] Json(IEnumerable<object> events, byte[] badName, bool ndjson = false)
    {
        var text = ndjson
            ? string.Join("\n", events.Select(e => JsonSerializer.Serialize(e)))
            : JsonSerializer.Serialize(events);
        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes("\"User u-bad\"");
        var at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at >= 0);
        return [.. bytes[..at], (byte)'"', .. badName, (byte)'"', .. bytes[(at + marker.Length)..]];
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(byte[] body, string mediaType = "application/json")
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync("/api/events", content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<bool> StoredAsync(string eventId)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Events.AsNoTracking().AnyAsync(e => e.EventId == eventId);
    }

    [SkippableFact]
    public async Task PostEvents_InvalidUtf8InAString_400NamingTheEventIndexAndField()
    {
        var body = Json([EngineScenario.Event("enc-utf8-0"), EngineScenario.Event("enc-utf8-1", user: "u-bad")], InvalidUtf8);

        var (status, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("events[1].user.name", problem.Str("detail"));
        Assert.Equal("INVALID_ENCODING", problem.Str("errors.0.code"));
        Assert.Equal(1, problem.At("accepted").GetValue<int>());
        Assert.False(await StoredAsync("enc-utf8-1"));
    }

    [SkippableFact]
    public async Task PostEvents_LoneSurrogateEscape_400NamingTheEventIndexAndField()
    {
        var body = Json([EngineScenario.Event("enc-sur-0"), EngineScenario.Event("enc-sur-1"), EngineScenario.Event("enc-sur-2", user: "u-bad")],
            Encoding.ASCII.GetBytes("x\\ud800y"));

        var (status, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("events[2].user.name", problem.Str("detail"));
        Assert.False(await StoredAsync("enc-sur-2"));
    }

    [SkippableFact]
    public async Task PostEvents_NulEscapeInAString_400NamingTheEventIndexAndField()
    {
        var body = Json([EngineScenario.Event("enc-nul-0"), EngineScenario.Event("enc-nul-1", user: "u-bad")], Encoding.ASCII.GetBytes("x\\u0000y"));

        var (status, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("events[1].user.name", problem.Str("detail"));
        Assert.Equal("INVALID_ENCODING", problem.Str("errors.0.code"));
        Assert.Equal(1, problem.At("accepted").GetValue<int>());
        Assert.False(await StoredAsync("enc-nul-1"));
    }

    [SkippableFact]
    public async Task PostEvents_InvalidUtf8InAFieldName_400NamingTheEvent()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""[{"id":"enc-name-0","organizationId":"org-a","source":"idp","type":"t","severity":"LOW","time":"2026-11-23T10:00:00Z","raw":{" """.TrimEnd()),
            0xFF, .. Encoding.UTF8.GetBytes("\":1}}]")];

        var (status, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("events[0].raw", problem.Str("detail"));
    }

    [SkippableFact]
    public async Task PostEvents_NdjsonWithInvalidUtf8_400NamingTheEventIndexAndNotStoredAsReplacementCharacters()
    {
        var body = Json([EngineScenario.Event("enc-nd-0"), EngineScenario.Event("enc-nd-1", user: "u-bad"), EngineScenario.Event("enc-nd-2")],
            InvalidUtf8, ndjson: true);

        var (status, problem) = await PostAsync(body, "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("events[1].user.name", problem.Str("detail"));
        Assert.Equal(2, problem.At("accepted").GetValue<int>());
        Assert.False(await StoredAsync("enc-nd-1"));
    }

    [SkippableFact]
    public async Task IngestEvents_LoneSurrogateInAGraphQLString_ErrorNamingTheEventIndexAndField()
    {
        const string mutation = """
            mutation { ingestEvents(input: { events: [
              { id: "enc-gql-0", organizationId: "org-a", source: "idp", type: "t", severity: LOW, time: "2026-11-23T10:00:00Z" },
              { id: "enc-gql-1", organizationId: "org-a", source: "idp", type: "t", severity: LOW, time: "2026-11-23T10:00:00Z", user: { name: "x\ud800y" } }
            ] }) { accepted errors { code message path } } }
            """;

        var response = await api.GraphQLAsync("ingestor-a", mutation);

        var error = Assert.Single(response.Errors("ingestEvents"))!;
        Assert.Equal("INVALID_ENCODING", error.Str("code"));
        Assert.Equal("""["input","events","1","user","name"]""", error.At("path").ToJsonString());
        Assert.Equal(1, response.At("data.ingestEvents.accepted").GetValue<int>());
    }

    [SkippableFact]
    public async Task GraphQL_BodyWithInvalidUtf8_400BadRequest()
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"query\":\"{ viewer { id } }\",\"variables\":{\"x\":\""), .. InvalidUtf8, .. Encoding.UTF8.GetBytes("\"}}")];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync("/graphql", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync());
    }

    public sealed class OnSqlite(RespondApiFixture api) : EventEncodingApiTests(api), IClassFixture<RespondApiFixture>;

    public sealed class OnPostgreSql : EventEncodingApiTests, IClassFixture<PostgreSqlApiFixture>
    {
        public OnPostgreSql(PostgreSqlApiFixture api) : base(api) => PostgreSqlTestServer.Require();
    }
}
