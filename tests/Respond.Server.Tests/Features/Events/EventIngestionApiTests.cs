using System.Net;
using System.Net.Http.Json;
using System.Text;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

public abstract class EventIngestionApiTests(RespondApiFixture api)
{
    [SkippableFact]
    public async Task PostEvents_ValidArray_AcceptsAll()
    {
        var result = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("ok-1"), EngineScenario.Event("ok-2")]);

        Assert.Equal(200, result.At("status").GetValue<int>());
        Assert.Equal(2, result.At("accepted").GetValue<int>());
        Assert.Empty(result.At("errors").AsArray());
    }

    [SkippableFact]
    public async Task PostEvents_Replay_CountsDuplicatesAndChangesNothing()
    {
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("replay-1")]);

        var again = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("replay-1"), EngineScenario.Event("replay-1")]);

        Assert.Equal(0, again.At("accepted").GetValue<int>());
        Assert.Equal(2, again.At("duplicates").GetValue<int>());
    }

    [SkippableFact]
    public async Task PostEvents_InvalidEvents_ErrorsNameIndexAndFieldAndValidOnesAreKept()
    {
        var bad = new { id = "bad-ip", organizationId = "org-a", source = "idp", type = "x", severity = "LOW", time = "2026-11-23T10:00:00Z", src = new { ip = "999.1.1.1" } };
        var noSeverity = new { id = "no-sev", organizationId = "org-a", source = "idp", type = "x", time = "2026-11-23T10:00:00Z" };

        var result = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("good-1"), bad, noSeverity]);

        Assert.Equal(1, result.At("accepted").GetValue<int>());
        var errors = result.At("errors").AsArray();
        Assert.Equal("events.1.src.ip", errors[0]!.Str("path"));
        Assert.Contains("999.1.1.1", errors[0]!.Str("message"));
        Assert.Equal("events.2.severity", errors[1]!.Str("path"));
    }

    [SkippableFact]
    public async Task PostEvents_OtherOrganization_RefusedForThatEvent()
    {
        var result = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("cross-1", org: "org-b")]);

        Assert.Equal(0, result.At("accepted").GetValue<int>());
        Assert.Equal("events.0.organizationId", result.Str("errors.0.path"));
    }

    [SkippableFact]
    public async Task PostEvents_AsViewer_Forbidden()
    {
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.PostAsJsonAsync("/api/events", new[] { EngineScenario.Event("viewer-1") });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [SkippableFact]
    public async Task PostEvents_EventOver64KiBOfUtf8_RefusedNamingTheLimit_FewerCharactersThanBytesDoNotSlipThrough()
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        // 33,000 "é" are 33,000 characters but 66,000 bytes of UTF-8: the limit is on what the log stores, the bytes.
        static string Event(string id, string text) =>
            $$$"""{"id":"{{{id}}}","organizationId":"org-a","source":"idp","type":"x","severity":"LOW","time":"2026-11-23T10:00:00Z","raw":{"text":"{{{text}}}"}}""";
        var body = $"[{Event("big-utf8", new string('é', 33_000))},{Event("under-limit", new string('e', 60_000))}]";

        var response = await http.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));

        var result = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        Assert.Equal(1, result.At("accepted").GetValue<int>());
        var error = Assert.Single(result.At("errors").AsArray())!;
        Assert.Equal("events.0", error.Str("path"));
        Assert.Equal("events[0]: larger than 65536 bytes", error.Str("message"));
    }

    [SkippableFact]
    public async Task PostEvents_Ndjson_Accepted()
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        var body = string.Join("\n", new[] { "nd-1", "nd-2", "nd-3" }.Select(id => System.Text.Json.JsonSerializer.Serialize(EngineScenario.Event(id))));

        var response = await http.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!.At("accepted").GetValue<int>());
    }

    [SkippableFact]
    public async Task PostEvents_MalformedJson_Returns400ProblemDetails()
    {
        using var http = await api.ClientAsAsync("ingestor-a");

        var response = await http.PostAsync("/api/events", new StringContent("[{\"id\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [SkippableFact]
    public async Task PostEvents_LargeBodyArrivingInPieces_EveryEventRead_MalformedSpotNamedByItsLineAndByte()
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        // One event per line, each about 800 bytes, so that the body arrives over many reads and events straddle them.
        var lines = Enumerable.Range(0, 150)
            .Select(i => System.Text.Json.JsonSerializer.Serialize(EngineScenario.Event($"piece-{i}"))[..^1] + $",\"raw\":{{\"pad\":\"{new string('p', 600)}\"}}}}")
            .ToList();
        var good = "[\n" + string.Join(",\n", lines) + "\n]";

        var accepted = await http.PostAsync("/api/events", new StringContent(good, Encoding.UTF8, "application/json"));
        var broken = await http.PostAsync("/api/events", new StringContent("[\n" + lines[0].Replace("piece-0", "piece-x") + ",\n{\"id\": tru }\n]", Encoding.UTF8, "application/json"));

        Assert.Equal(150, (await accepted.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!.At("accepted").GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("of line 3; events before it were processed", (await broken.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!.Str("detail"));
    }

    [SkippableFact]
    public async Task PostEvents_BodyNotAnArray_400SayingWhatTheBodyMustBe_ByteOrderMarkAccepted()
    {
        using var http = await api.ClientAsAsync("ingestor-a");
        var one = System.Text.Json.JsonSerializer.Serialize(EngineScenario.Event("bom-1"));

        var notArray = await http.PostAsync("/api/events", new StringContent(one, Encoding.UTF8, "application/json"));
        var withBom = await http.PostAsync("/api/events", new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"[{one}]")]) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        Assert.StartsWith("The body must be a JSON array of events", (await notArray.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!.Str("detail"));
        Assert.Equal(1, (await withBom.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!.At("accepted").GetValue<int>());
    }

    [SkippableFact]
    public async Task IngestEvents_GraphQL_SameValidationAndIdempotency()
    {
        var mutation = """
            mutation($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates errors { code message path } } }
            """;
        var events = new object[] { EngineScenario.Event("gql-1"), EngineScenario.Event("gql-1") };

        var response = await api.GraphQLAsync("ingestor-a", mutation, new { events });

        Assert.Equal(1, response.At("data.ingestEvents.accepted").GetValue<int>());
        Assert.Equal(1, response.At("data.ingestEvents.duplicates").GetValue<int>());
    }

    [SkippableFact]
    public async Task IngestEvents_AsIngestor_CannotReadAnything()
    {
        var response = await api.GraphQLAsync("ingestor-a", "{ rules { totalCount } }");

        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    public sealed class OnSqlite(RespondApiFixture api) : EventIngestionApiTests(api), IClassFixture<RespondApiFixture>;

    public sealed class OnPostgreSql : EventIngestionApiTests, IClassFixture<PostgreSqlApiFixture>
    {
        public OnPostgreSql(PostgreSqlApiFixture api) : base(api) => PostgreSqlTestServer.Require();
    }
}

public sealed class EventBatchLimitTests
{
    [Fact]
    public async Task PostEvents_OverMaxBatch_413NamingTheLimitAndProcessedCount()
    {
        await using var api = new RespondApiFixture().With("Respond:Ingestion:MaxBatchSize", "5").With("Respond:Ingestion:ChunkSize", "2");

        var result = await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 8).Select(i => EngineScenario.Event($"lim-{i}")));

        Assert.Equal(413, result.At("status").GetValue<int>());
        Assert.Contains("at most 5", result.Str("detail"));
        Assert.Equal(5, result.At("accepted").GetValue<int>());
    }
}
