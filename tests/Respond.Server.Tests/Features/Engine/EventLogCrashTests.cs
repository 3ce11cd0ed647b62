using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Features.Engine;

/// <summary>
/// Issue 12's crash test: a real server process takes a stream of 50,000 events from a sender that re-sends every batch
/// it got no answer for, is killed with SIGKILL mid-stream and started again. Afterwards every event is stored once and
/// the alerts are exactly those of the same stream without the kill: nothing evaluated twice, nothing never evaluated.
/// </summary>
public sealed class EventLogCrashTests(ITestOutputHelper output)
{
    private const int EventCount = 50_000;
    private const int BatchSize = 500;
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-23T08:00:00Z", CultureInfo.InvariantCulture);

    /// <summary>An alert for every process start, titled with its device.</summary>
    internal const string MatchRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["process.started"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Process on {{device.id}}", "severity": "HIGH" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    private const string ThresholdRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 20, "window": "PT10M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Burst for {{user.id}}", "severity": "MEDIUM" } }
          ],
          "edges": [ { "from": "trigger", "to": "burst" }, { "from": "burst", "to": "alert", "port": "true" } ]
        }
        """;

    [Fact]
    public async Task Sigkill_MidStream_EveryEventStoredOnceAndAlertsEqualAnUninterruptedRun()
    {
        var batches = Stream().Chunk(BatchSize).Select(b => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(b))).ToList();

        var reference = await RunAsync(batches, killAfterAcknowledged: null);
        var crashed = await RunAsync(batches, killAfterAcknowledged: 20_000);

        Assert.Equal(1, crashed.Kills);
        Assert.Equal(EventCount, crashed.StoredEvents);
        Assert.Equal(EventCount, crashed.DistinctEvents);
        Assert.Equal(0, crashed.ParkedEvents);
        Assert.Equal(EventCount / 14 + 1, reference.Alerts.Count(a => a.StartsWith("match ", StringComparison.Ordinal)));
        Assert.True(reference.Alerts.Count(a => a.StartsWith("burst ", StringComparison.Ordinal)) > 1_000);
        Assert.Equal(reference.StoredRuns, crashed.StoredRuns);
        Assert.Equal(reference.Alerts, crashed.Alerts);
    }

    /// <summary>Deterministic: the two organizations alternate; one event in 14 is a process start, the rest failed sign-ins of 97 users.</summary>
    private static IEnumerable<object> Stream()
    {
        for (var i = 0; i < EventCount; i++)
        {
            var org = i % 2 == 0 ? "org-a" : "org-b";
            var time = Start.AddMilliseconds(i * 100L).ToString("O", CultureInfo.InvariantCulture);
            yield return i % 14 == 0
                ? new { id = $"e-{i}", organizationId = org, source = "edr", type = "process.started", severity = "HIGH", time, device = new { id = $"dev-{i % 31}" } }
                : new { id = $"e-{i}", organizationId = org, source = "idp", type = "signin.failed", severity = "LOW", time, user = new { id = $"u-{i % 97}" } };
        }
    }

    private sealed record RunResult(int Kills, long StoredEvents, long DistinctEvents, long ParkedEvents, long StoredRuns, List<string> Alerts);

    private async Task<RunResult> RunAsync(List<byte[]> batches, int? killAfterAcknowledged)
    {
        var directory = Directory.CreateTempSubdirectory("respond-crash-").FullName;
        var settings = new Dictionary<string, string> { ["Respond__Engine__MaxEvaluationLag"] = "10000000" };
        var watch = Stopwatch.StartNew();
        var server = await RespondServerProcess.StartAsync(directory, settings);
        var kills = 0;
        try
        {
            var http = await server.ClientAsync();
            await RespondServerProcess.GraphQLAsync(http, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
            foreach (var (name, definition) in new[] { ("match", MatchRule), ("burst", ThresholdRule) })
                await RespondServerProcess.CreateActiveRuleAsync(http, name, definition);

            var acknowledged = 0;
            for (var i = 0; i < batches.Count;)
            {
                Task<HttpResponseMessage> sending = http.PostAsync("api/events", new ByteArrayContent(batches[i]) { Headers = { ContentType = new("application/json") } });
                if (killAfterAcknowledged is { } killAt && kills == 0 && acknowledged >= killAt)
                {
                    // The batch is on its way (or being stored) when the process dies: its answer never comes.
                    await server.KillAsync();
                    kills++;
                    output.WriteLine($"killed after {acknowledged} acknowledged events ({watch.Elapsed.TotalSeconds:F1} s)");
                }
                HttpResponseMessage response;
                try
                {
                    response = await sending;
                }
                catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException)
                {
                    // No answer: the sender does not know whether the batch was stored, so it sends it again. A connection
                    // the dying process accepted and then dropped can surface as a bare SocketException, not wrapped.
                    await server.DisposeAsync();
                    server = await RespondServerProcess.StartAsync(directory, settings);
                    http.Dispose();
                    http = await server.ClientAsync();
                    output.WriteLine($"restarted ({watch.Elapsed.TotalSeconds:F1} s)");
                    continue;
                }
                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        continue;
                    }
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                acknowledged += BatchSize;
                i++;
            }
            output.WriteLine($"stream acknowledged ({watch.Elapsed.TotalSeconds:F1} s)");
            // Fails only when evaluation stops moving (a stuck evaluator), not when a busy machine makes it slow.
            var (lastLag, lastProgress) = (long.MaxValue, watch.Elapsed);
            for (var caughtUp = false; !caughtUp;)
            {
                var lag = (await RespondServerProcess.GraphQLAsync(http, "{ evaluationLag { events } }"))["evaluationLag"]!["events"]!.GetValue<long>();
                caughtUp = lag == 0;
                if (lag < lastLag) (lastLag, lastProgress) = (lag, watch.Elapsed);
                if (!caughtUp) await Task.Delay(200);
                Assert.True(watch.Elapsed - lastProgress < TimeSpan.FromMinutes(2), $"Evaluation stopped at {lag} events behind:\n" + server.Output);
            }
            output.WriteLine($"evaluated ({watch.Elapsed.TotalSeconds:F1} s)");
            http.Dispose();
        }
        finally
        {
            await server.DisposeAsync();
        }
        try
        {
            return Read(server.DatabasePath, kills);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static RunResult Read(string path, int kills)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        long Scalar(string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        var alerts = new List<string>();
        using (var command = db.CreateCommand())
        {
            command.CommandText = """SELECT "RuleName", "OrganizationId", "GroupKey", "Count", "EventIds" FROM "Alerts" """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                alerts.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)} {reader.GetInt32(3)} {reader.GetString(4)}");
        }
        alerts.Sort(StringComparer.Ordinal);
        return new RunResult(kills,
            Scalar("""SELECT COUNT(*) FROM "Events" """),
            Scalar("""SELECT COUNT(*) FROM (SELECT DISTINCT "OrganizationId", "Source", "EventId" FROM "Events")"""),
            Scalar("""SELECT COUNT(*) FROM "ParkedEvents" """),
            Scalar("""SELECT COUNT(*) FROM "WorkflowInstances" """),
            alerts);
    }
}
