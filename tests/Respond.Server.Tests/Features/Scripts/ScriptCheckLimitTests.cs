using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Scripts;

/// <summary>
/// Issue 11 point 4: a rule author's source cannot pin the server. The binder bomb of the issue is refused from its
/// syntax in milliseconds, a source that binds slowly is checked in a checker worker that is killed at CheckTimeLimit,
/// the server answers other requests meanwhile, and SIGTERM during a check stops the server at once.
/// </summary>
public sealed class ScriptCheckLimitTests
{
    /// <summary>The reproduction: eight nested lambdas in overloaded <c>Sum</c> calls (~165 characters).</summary>
    private static readonly string Bomb = "var r = " + NestedSum(8) + ";";

    /// <summary>Within every shape limit, but tens of seconds of binder work (forty three-deep nests).</summary>
    private static readonly string SlowSource = string.Join("\n", Enumerable.Range(0, 40).Select(i => $"var r{i} = {NestedSum(3)};"));

    private const string Validate = """
        query($source: String!) { validateScript(source: $source, kind: RUN_SCRIPT) { severity code message line column symbol } }
        """;

    private static string NestedSum(int depth)
    {
        var source = "0";
        for (var i = depth; i > 0; i--) source = $"new[]{{1}}.Sum(x{i}=>{source}+x{i})";
        return source;
    }

    [Fact]
    public async Task ValidateScript_NestedLambdaBombDuringASlowCheck_RefusedWithin2sWhileTheServerAnswers()
    {
        // Arrange
        await using var api = new RespondApiFixture().With("Respond:Scripts:CheckTimeLimit", "00:00:05");
        using var author = await api.ClientAsAsync("author-a");
        using var viewer = await api.ClientAsAsync("viewer-a");
        var warm = await PostAsync(author, Validate, new { source = "Log(Event.Id);" });
        Assert.Empty(warm.At("data.validateScript").AsArray());
        var slow = PostAsync(author, Validate, new { source = SlowSource });

        // Act
        var clock = Stopwatch.StartNew();
        var bomb = await PostAsync(author, Validate, new { source = Bomb });
        var bombTook = clock.Elapsed;
        var scripts = await PostAsync(viewer, "{ scripts { id } }");
        var othersAnsweredFirst = !slow.IsCompleted;
        var slowAnswer = await slow.WaitAsync(TimeSpan.FromMinutes(2));

        // Assert
        Assert.InRange(bombTook, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        var refusal = bomb.At("data.validateScript.0");
        Assert.Equal("RSB007", refusal.Str("code"));
        Assert.Equal("ERROR", refusal.Str("severity"));
        Assert.Contains("nested 4 deep", refusal.Str("message"), StringComparison.Ordinal);
        Assert.NotNull(scripts["data"]?["scripts"]);
        Assert.True(othersAnsweredFirst, "the server answered other requests only after the slow check");
        var limit = slowAnswer.At("data.validateScript.0");
        Assert.Equal("RSB006", limit.Str("code"));
        Assert.Contains("5 s limit (CheckTimeLimit)", limit.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateScriptAndTestRule_NestedLambdaBomb_RefusedBySameCheckWithin2s()
    {
        // Arrange
        await using var api = new RespondApiFixture();
        using var author = await api.ClientAsAsync("author-a");
        var expression = "Event.Id.Any(a => Event.Id.Any(b => Event.Id.Any(c => Event.Id.Any(d => Event.Id.Any(e => Event.Id.Any(f => Event.Id.Any(g => Event.Id.Any(h => a == h))))))))";
        var definition = Definition(expression);
        static JsonElement Definition(string expression) => JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            schemaVersion = 1,
            nodes = new object[]
            {
                new { id = "trigger", type = "trigger.event", config = new { eventTypes = new[] { "signin.failed" } } },
                new { id = "bomb", type = "condition.expression", config = new { expression } },
                new { id = "alert", type = "alert.create", config = new { title = "never", severity = "HIGH" } },
            },
            edges = new object[] { new { from = "trigger", to = "bomb" }, new { from = "bomb", to = "alert", port = "true" } },
        })).RootElement;

        const string CreateScript = """
            mutation($input: CreateScriptInput!) { createScript(input: $input) { script { id } errors { code message } } }
            """;
        const string TestRule = """
            mutation($d: JSON, $events: [EventInput!]!) {
              testRule(input: { definition: $d, outcome: ALERT_ONLY, events: $events }) { results { error alerts } errors { code } }
            }
            """;
        // Warm the host's first mutation and the in-process parser, so the bounds below measure the check, not a cold start.
        var validation = await PostAsync(author, CreateScript, new { input = new { name = "warm", description = "", organizationIds = new[] { "org-a" }, source = " " } });
        Assert.Equal("VALIDATION", validation.Errors("createScript").Single()!.Str("code"));
        var harmless = Definition("Event.Id == \"x\"");
        Assert.Null((await PostAsync(author, TestRule, new { d = harmless, events = new[] { EngineScenario.Event("x-0") } })).At("data.testRule.results.0")["error"]);

        // Act
        var clock = Stopwatch.StartNew();
        var created = await PostAsync(author, CreateScript, new { input = new { name = "bomb", description = "", organizationIds = new[] { "org-a" }, source = Bomb } });
        var createTook = clock.Elapsed;
        clock.Restart();
        var tested = await PostAsync(author, TestRule, new { d = definition, events = new[] { EngineScenario.Event("x-1") } });
        var testTook = clock.Elapsed;

        // Assert
        Assert.InRange(createTook, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.InRange(testTook, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        var refused = created.Errors("createScript").Single()!;
        Assert.Equal("SCRIPT_REFUSED", refused.Str("code"));
        Assert.Contains("RSB007", refused.Str("message"), StringComparison.Ordinal);
        Assert.True(created.At("data.createScript")["script"] is null);
        var result = tested.At("data.testRule.results.0");
        Assert.Contains("RSB007", result.Str("error"), StringComparison.Ordinal);
        Assert.Empty(result.At("alerts").AsArray());
    }

    [Fact]
    public async Task Sigterm_DuringASlowCheck_ServerAndCheckerWorkerExitWithin5s()
    {
        // Arrange: the built server as a child process, with a check limit far beyond the test
        var data = Directory.CreateTempSubdirectory("respond-sigterm-").FullName;
        await using var server = await RespondServerProcess.StartAsync(data, new Dictionary<string, string> { ["Respond__Scripts__CheckTimeLimit"] = "00:10:00" });
        try
        {
            var runWorkers = WorkersOf(server.ProcessId); // workers that run scripts, if the host started them
            using var http = await server.ClientAsync();
            Assert.Empty((await PostAsync(http, Validate, new { source = "Log(Event.Id);" })).At("data.validateScript").AsArray());
            var checker = Process.GetProcessById(WorkersOf(server.ProcessId).Except(runWorkers).Single());
            var pending = PostAsync(http, Validate, new { source = SlowSource });
            await BusyAsync(checker);
            Assert.False(pending.IsCompleted);

            // Act
            var clock = Stopwatch.StartNew();
            var exited = await server.TerminateAsync(TimeSpan.FromSeconds(5));
            var took = clock.Elapsed;

            // Assert
            Assert.True(exited, $"the server was still running {took.TotalSeconds:0.0} s after SIGTERM:\n{server.Output}");
            Assert.True(checker.WaitForExit(5000), "the checker worker outlived the server");
            Assert.Empty(WorkersOf(server.ProcessId));
        }
        finally
        {
            await server.KillAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string query, object? variables = null)
    {
        var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The script worker processes whose parent is <paramref name="serverId"/>.</summary>
    private static List<int> WorkersOf(int serverId) =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                    return parent == serverId && File.ReadAllText($"/proc/{pid}/cmdline").Contains("Respond.ScriptWorker.dll", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })];

    /// <summary>Waits until <paramref name="worker"/> has spent CPU time on the check (it is binding), with a hang guard.</summary>
    private static async Task BusyAsync(Process worker)
    {
        var before = worker.TotalProcessorTime;
        for (var i = 0; i < 600 && worker.TotalProcessorTime - before < TimeSpan.FromMilliseconds(300); i++)
        {
            await Task.Delay(50);
            worker.Refresh();
        }
    }
}
