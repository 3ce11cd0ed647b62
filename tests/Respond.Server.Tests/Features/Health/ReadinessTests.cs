using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Respond.Workflows.Scripting;

namespace Respond.Server.Tests.Features.Health;

public sealed class ReadinessTests
{
    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(RespondApiFixture api, string path)
    {
        using var http = api.CreateClient();
        var response = await http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Script workers start slowly on a saturated CI machine; the default 30 s start limit would fail them.</summary>
    private static RespondApiFixture Host() => new RespondApiFixture().With("Respond:Scripts:StartTimeLimit", "00:03:00");

    /// <summary>The script workers start with the first probe; this waits for them (a test guard, not a bound).</summary>
    private static async Task WarmAsync(RespondApiFixture api)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await api.Services.GetRequiredService<ScriptWorkerPool>().WarmUpAsync(guard.Token);
    }

    private static JsonNode Check(JsonObject body, string name) =>
        body.At("checks").AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task Readyz_AllDependenciesUp_PassesNamingEveryCheck()
    {
        await using var api = Host();
        await WarmAsync(api);

        var (status, body) = await GetAsync(api, "/readyz");

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        foreach (var name in new[] { "database", "scheduler", "scriptWorkers", "evaluationLag" })
            Assert.Equal("Healthy", Check(body, name).Str("status"));
    }

    [Fact]
    public async Task Readyz_DatabaseUnavailable_FailsNamingTheDatabaseThenPassesAfter()
    {
        var api = Host();
        await using var _ = api;
        await GetAsync(api, "/readyz"); // the first request loads the token keys from the database, as every start does
        await WarmAsync(api);
        var root = api.ContentRoot;
        var away = root + "-away";

        // The database file's directory disappears: no connection can open it (pooled ones are closed first).
        Directory.Move(root, away);
        api.ClearSqlitePool();
        (HttpStatusCode Status, JsonObject Body) down;
        try
        {
            down = await GetAsync(api, "/readyz");
        }
        finally
        {
            api.ClearSqlitePool();
            Directory.Move(away, root);
        }
        var (upStatus, up) = await GetAsync(api, "/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("Unhealthy", down.Body.Str("status"));
        Assert.Equal("Unhealthy", Check(down.Body, "database").Str("status"));
        Assert.Equal("The database is unreachable.", Check(down.Body, "database").Str("description"));
        Assert.True(upStatus == HttpStatusCode.OK, up.ToJsonString());
        Assert.Equal("Healthy", Check(up, "database").Str("status"));
    }

    [Fact]
    public async Task Healthz_Live_AnswersWithoutDependencies()
    {
        await using var api = Host();

        var (status, body) = await GetAsync(api, "/healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.Str("status"));
    }
}
