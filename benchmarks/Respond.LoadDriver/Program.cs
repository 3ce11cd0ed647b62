using System.Diagnostics;
using System.Globalization;
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
var offWarmupEvents = Generate(generator, options.IngestOnlyEvents > 0 ? options.WarmupEvents : 0);
var offEvents = Generate(generator, options.IngestOnlyEvents);
var warmupEvents = Generate(generator, options.WarmupEvents);
var measured = Generate(generator, options.Events);
report.AverageEventBytes = measured.Average(e => System.Text.Encoding.UTF8.GetByteCount(e.Json));
var offWarmupBodies = Chunk(offWarmupEvents, options.BatchSize);
var offBodies = Chunk(offEvents, options.BatchSize);
var warmupBodies = Chunk(warmupEvents, options.BatchSize);
var bodies = Chunk(measured, options.BatchSize);
Log($"generated {offWarmupEvents.Count + offEvents.Count + warmupEvents.Count + measured.Count:N0} events, {report.AverageEventBytes:F0} bytes on average");

// The database the nodes share: SQLite in the work directory, or a PostgreSQL database (throw-away unless given).
await using var database = options.PostgreSql
    ? await BenchDatabase.PostgreSqlAsync(options.Connection!, options.ExistingDatabase)
    : BenchDatabase.Sqlite(work.FullName);
report.Provider = database.Provider;
Log($"{database.Provider}, {options.Nodes} node(s)");

// 2. The machine's limit: the same rows by a plain prepared insert, before the server runs (nothing competes).
if (database.IsPostgreSql)
{
    report.Naive.Add(database.NaivePostgreSqlInsert(measured, options.BatchSize));
}
else
{
    var naivePath = Path.Combine(work.FullName, "naive.db");
    report.Naive.Add(NaiveInsert.Run("Naive insert (the target's baseline): WAL, synchronous=NORMAL, unique (OrganizationId, Source, EventId)", naivePath, measured, options.BatchSize, "NORMAL", serverShape: false));
    report.Naive.Add(NaiveInsert.Run("Naive insert with SQLite's default synchronous (FULL; the server sets NORMAL)", naivePath, measured, options.BatchSize, null, serverShape: false));
    report.Naive.Add(NaiveInsert.Run("The server's write alone: its pragmas (WAL, synchronous=NORMAL), its key of (OrganizationId, Source, EventId) and its three indexes, INSERT … WHERE NOT EXISTS, the sequence as the last rowid", naivePath, measured, options.BatchSize, "NORMAL", serverShape: true));
    File.Delete(naivePath);
}
foreach (var n in report.Naive) Log($"{n.Name}: {n.PerSecond:N0} events/s ({n.Elapsed.TotalSeconds:F1} s; journal {n.JournalMode}, synchronous {n.Synchronous})");

// 3. The server: node 1 first (it migrates the database and makes the key ring in the shared work directory), then the others.
var startWatch = Stopwatch.StartNew();
report.LoadBefore = MachineInfo.LoadAverage();
var environment = new Dictionary<string, string>(database.ServerEnvironment);
foreach (var (key, value) in options.ServerEnvironment) environment[key] = value;
var servers = new List<ServerProcess>();
var clients = new List<RespondClient>();
try
{
    servers.Add(await ServerProcess.StartAsync(serverDll, work.FullName, organizations, environment, TimeSpan.FromSeconds(90)));
    report.StartSeconds = startWatch.Elapsed.TotalSeconds;
    servers.AddRange(await Task.WhenAll(Enumerable.Range(1, options.Nodes - 1)
        .Select(_ => ServerProcess.StartAsync(serverDll, work.FullName, organizations, environment, TimeSpan.FromSeconds(90)))));
    var server = servers[0];
    foreach (var node in servers) Log($"server pid {node.Pid} at {node.BaseAddress}");
    Log($"node 1 started in {report.StartSeconds:F1} s, all {servers.Count} in {startWatch.Elapsed.TotalSeconds:F1} s");
    await Task.Delay(TimeSpan.FromSeconds(2));
    report.StartRss = server.Memory().Rss;
    foreach (var node in servers)
    {
        var nodeClient = new RespondClient(node.BaseAddress);
        clients.Add(nodeClient);
        await nodeClient.AuthenticateAsync(ServerProcess.ClientId, ServerProcess.ClientSecret);
    }
    var client = clients[0];

    var rulesWatch = Stopwatch.StartNew();
    var rules = RuleSet.Build().Concat(RuleSet.Library(options.Rules)).ToList();
    // Two at a time, as an administrator importing a library would script it.
    await Parallel.ForEachAsync(rules, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (rule, _) => await client.CreateActiveRuleAsync(rule));
    await client.CreateActiveRuleAsync(RuleSet.Latency());
    report.RuleKinds = rules.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count());
    report.RulesSeconds = rulesWatch.Elapsed.TotalSeconds;
    Log($"{rules.Count + 1} rules created and activated in {report.RulesSeconds:F1} s");

    // Respond still off, so the same pipeline stores and runs nothing (HTTP, parse, validation, insert). Its first
    // requests are the first load the server sees (compiling the path as it goes): they are its warm-up, measured
    // apart, as the pipeline's are not measured.
    if (offBodies.Count > 0)
    {
        if (offWarmupBodies.Count > 0)
            report.IngestOnlyCold = await Throughput.RunAsync(clients, servers, offWarmupBodies, options.Senders, TimeSpan.FromMilliseconds(100));
        report.IngestOnly = await Throughput.RunAsync(clients, servers, offBodies, options.Senders, TimeSpan.FromMilliseconds(100));
        Log($"Respond off (store only): {report.IngestOnly.EventsPerSecond:N0} events/s after a warm-up of {offWarmupEvents.Count:N0}");
    }

    await client.TurnOnRespondAsync();
    // Idle: nothing sent for 15 s (the server trims what a burst left committed once it is quiet; IdleMemoryTrim).
    await Task.Delay(TimeSpan.FromSeconds(15));
    report.IdleRss = server.Memory().Rss;
    Log($"idle RSS {report.IdleRss:F0} MiB (just started: {report.StartRss:F0} MiB)");

    foreach (var body in warmupBodies) await client.PostEventsAsync(body.Body);
    await RespondClient.WaitForEvaluationAsync(clients);
    Log($"warm-up: {warmupEvents.Count:N0} events");

    // The pipeline's time runs until the last event is evaluated, not only stored.
    report.Pipeline = await Throughput.RunAsync(clients, servers, bodies, options.Senders, TimeSpan.FromMilliseconds(100), waitForEvaluation: true);
    Log($"pipeline: {report.Pipeline.EventsPerSecond:N0} events/s ({report.Pipeline.Elapsed.TotalSeconds:F1} s, accepted {report.Pipeline.Accepted:N0}, " +
        $"server CPU {report.Pipeline.ServerCores:F2} cores, peak RSS {report.Pipeline.PeakRss:F0} MiB, {clients.Sum(c => c.Refused)} requests refused with 503 and re-sent)");

    report.Latency = await LatencyProbe.RunAsync(clients, servers, generator, options);
    Log($"latency: p50 {report.Latency.P(50):F1} ms, p95 {report.Latency.P(95):F1} ms, p99 {report.Latency.P(99):F1} ms, max {report.Latency.Max:F1} ms " +
        $"({report.Latency.Samples.Count} probes, {report.Latency.Missing} missing, {report.Latency.AchievedRate:N0} events/s sent)");
    report.EndRss = server.Memory();
    report.LoadAfter = MachineInfo.LoadAverage();
    if (string.Join('\n', servers.Where(s => s.Output.Length > 0).Select(s => s.Output)) is { Length: > 0 } output) report.ServerOutput = output;
}
finally
{
    foreach (var c in clients) c.Dispose();
    foreach (var node in servers) await node.DisposeAsync();
}

// 4. What the run left in the server's database.
report.Database = database.Counts();
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

/// <summary>One request body of the throughput phases.</summary>
public sealed record Batch(byte[] Body, int Events);
