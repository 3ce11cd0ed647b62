using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Respond.LoadDriver;

// The ingestion benchmark of issue 4. See docs/performance.md for what it measures and how to run it:
//   dotnet build -c Release && dotnet run -c Release --project benchmarks/Respond.LoadDriver -- --out docs/performance.md

var options = BenchOptions.Parse(args);
if (options is null) return 2;

var root = FindRepositoryRoot();
var serverDll = options.ServerDll ?? Path.Combine(root, "server", "Respond.Server", "bin", options.Configuration, "net10.0", "Respond.Server.dll");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"{serverDll} does not exist: build the server first (`dotnet build -c {options.Configuration}` in {root}).");
    return 2;
}

var work = Directory.CreateTempSubdirectory("respond-bench-");
Log($"work directory {work.FullName}; server {serverDll}");
var organizations = Enumerable.Range(0, options.Organizations).Select(i => $"org-{i:D2}").ToArray();
var report = new BenchReport { Options = options, ServerDll = Path.GetRelativePath(root, serverDll), Root = root };

// 1. The events: generated up front (deterministic), so generation costs nothing while measuring.
var generator = new EventGenerator(organizations);
var offEvents = Generate(generator, options.IngestOnlyEvents);
var warmupEvents = Generate(generator, options.WarmupEvents);
var measured = Generate(generator, options.Events);
report.AverageEventBytes = measured.Average(e => System.Text.Encoding.UTF8.GetByteCount(e.Json));
var offBodies = Chunk(offEvents, options.BatchSize);
var warmupBodies = Chunk(warmupEvents, options.BatchSize);
var bodies = Chunk(measured, options.BatchSize);
Log($"generated {offEvents.Count + warmupEvents.Count + measured.Count:N0} events, {report.AverageEventBytes:F0} bytes on average");

// 2. The machine's limit: the same rows by a plain prepared insert, before the server runs (nothing competes).
var naivePath = Path.Combine(work.FullName, "naive.db");
report.Naive.Add(NaiveInsert.Run("Naive insert (the target's baseline): WAL, synchronous=NORMAL, unique (OrganizationId, Source, EventId)", naivePath, measured, options.BatchSize, "NORMAL", serverShape: false));
report.Naive.Add(NaiveInsert.Run("Naive insert with the server's pragmas: WAL, SQLite's default synchronous", naivePath, measured, options.BatchSize, null, serverShape: false));
report.Naive.Add(NaiveInsert.Run("The server's write alone: its pragmas, both its indexes, INSERT … ON CONFLICT DO NOTHING RETURNING", naivePath, measured, options.BatchSize, null, serverShape: true));
foreach (var n in report.Naive) Log($"{n.Name}: {n.PerSecond:N0} events/s ({n.Elapsed.TotalSeconds:F1} s; journal {n.JournalMode}, synchronous {n.Synchronous})");
File.Delete(naivePath);

// 3. The server.
var startWatch = Stopwatch.StartNew();
report.LoadBefore = MachineInfo.LoadAverage();
await using (var server = await ServerProcess.StartAsync(serverDll, work.FullName, organizations, options.ServerEnvironment, TimeSpan.FromSeconds(90)))
{
    report.StartSeconds = startWatch.Elapsed.TotalSeconds;
    Log($"server pid {server.Pid} at {server.BaseAddress} in {report.StartSeconds:F1} s");
    await Task.Delay(TimeSpan.FromSeconds(2));
    report.StartRss = server.Memory().Rss;
    using var client = new RespondClient(server.BaseAddress);
    await client.AuthenticateAsync(ServerProcess.ClientId, ServerProcess.ClientSecret);

    var rulesWatch = Stopwatch.StartNew();
    var rules = RuleSet.Build().Concat(RuleSet.Library(options.Rules)).ToList();
    // Two at a time, as an administrator importing a library would script it.
    await Parallel.ForEachAsync(rules, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (rule, _) => await client.CreateActiveRuleAsync(rule));
    await client.CreateActiveRuleAsync(RuleSet.Latency());
    report.RuleKinds = rules.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count());
    report.RulesSeconds = rulesWatch.Elapsed.TotalSeconds;
    Log($"{rules.Count + 1} rules created and activated in {report.RulesSeconds:F1} s");

    // Diagnostic: Respond still off, so the same pipeline stores and runs nothing (HTTP, parse, validation, insert).
    if (offBodies.Count > 0)
    {
        report.IngestOnly = await Throughput.RunAsync(client, server, offBodies, options.Senders, TimeSpan.FromMilliseconds(100));
        Log($"Respond off (store only): {report.IngestOnly.EventsPerSecond:N0} events/s");
    }

    await client.TurnOnRespondAsync();
    await Task.Delay(TimeSpan.FromSeconds(3));
    report.IdleRss = server.Memory().Rss;
    Log($"idle RSS {report.IdleRss:F0} MiB (just started: {report.StartRss:F0} MiB)");

    foreach (var body in warmupBodies) await client.PostEventsAsync(body.Body);
    await client.WaitForEvaluationAsync();
    Log($"warm-up: {warmupEvents.Count:N0} events");

    // The pipeline's time runs until the last event is evaluated, not only stored.
    report.Pipeline = await Throughput.RunAsync(client, server, bodies, options.Senders, TimeSpan.FromMilliseconds(100), waitForEvaluation: true);
    Log($"pipeline: {report.Pipeline.EventsPerSecond:N0} events/s ({report.Pipeline.Elapsed.TotalSeconds:F1} s, accepted {report.Pipeline.Accepted:N0}, " +
        $"server CPU {report.Pipeline.ServerCores:F2} cores, peak RSS {report.Pipeline.PeakRss:F0} MiB, {client.Refused} requests refused with 503 and re-sent)");

    report.Latency = await LatencyProbe.RunAsync(client, server, generator, options);
    Log($"latency: p50 {report.Latency.P(50):F1} ms, p95 {report.Latency.P(95):F1} ms, p99 {report.Latency.P(99):F1} ms, max {report.Latency.Max:F1} ms " +
        $"({report.Latency.Samples.Count} probes, {report.Latency.Missing} missing, {report.Latency.AchievedRate:N0} events/s sent)");
    report.EndRss = server.Memory();
    report.LoadAfter = MachineInfo.LoadAverage();
    if (server.Output.Length > 0) report.ServerOutput = server.Output;
}

// 4. What the run left in the server's database.
report.Database = DatabaseCounts(Path.Combine(work.FullName, "respond.db"));
report.Machine = MachineInfo.Read(root);

var markdown = report.ToMarkdown();
Console.WriteLine(markdown);
if (options.Out is not null)
{
    var path = Path.GetFullPath(options.Out);
    BenchReport.WriteInto(path, markdown);
    Log($"results written to {path}");
}
if (!options.Keep) work.Delete(recursive: true);
return 0;

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

static List<GeneratedEvent> Generate(EventGenerator generator, int count)
{
    var list = new List<GeneratedEvent>(count);
    for (var i = 0; i < count; i++) list.Add(generator.Next());
    return list;
}

static List<Batch> Chunk(List<GeneratedEvent> events, int size) =>
    events.Chunk(size).Select(c => new Batch(EventGenerator.Body(c), c.Length)).ToList();

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Respond.sln"))) return dir.FullName;
    }
    throw new InvalidOperationException("Run from inside the repository (Respond.sln not found above the current directory).");
}

static Dictionary<string, long> DatabaseCounts(string path)
{
    var counts = new Dictionary<string, long>(StringComparer.Ordinal);
    using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
    connection.Open();
    foreach (var (name, sql) in new[]
    {
        ("events", "SELECT COUNT(*) FROM Events"),
        ("alerts", "SELECT COUNT(*) FROM Alerts"),
        ("alert matches (sum of counts)", "SELECT COALESCE(SUM(Count), 0) FROM Alerts"),
        ("stored rule runs (WorkflowInstances)", "SELECT COUNT(*) FROM WorkflowInstances"),
        ("threshold windows (WindowStates)", "SELECT COUNT(*) FROM WindowStates"),
    })
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            counts[name] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException) { }
    }
    counts["database size (MiB)"] = new FileInfo(path).Length / (1024 * 1024);
    return counts;
}

/// <summary>One request body of the throughput phases.</summary>
public sealed record Batch(byte[] Body, int Events);
