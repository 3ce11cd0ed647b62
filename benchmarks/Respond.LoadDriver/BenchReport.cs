using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Respond.LoadDriver;

/// <summary>The machine the run was measured on.</summary>
public sealed record MachineInfo(int Cores, string Cpu, double MemoryGiB, string Dotnet, string Os, string Commit)
{
    public static MachineInfo Read(string root)
    {
        var cpu = "unknown";
        double memory = 0;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var total = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            memory = double.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024;
        }
        catch (IOException) { }
        return new MachineInfo(Environment.ProcessorCount, cpu, memory, Run("dotnet", "--version", root), RuntimeInformation.OSDescription,
            Run("git", "rev-parse --short HEAD", root) + (Run("git", "status --porcelain -- server workflows", root).Length > 0 ? " (server/workflows with uncommitted changes)" : ""));
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Run(string file, string arguments, string directory)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, WorkingDirectory = directory, UseShellExecute = false })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}

/// <summary>Everything one run measured, and its markdown.</summary>
public sealed class BenchReport
{
    public const string Begin = "<!-- results:begin (written by benchmarks/Respond.LoadDriver; do not edit by hand) -->";
    public const string End = "<!-- results:end -->";

    public required BenchOptions Options { get; init; }
    public required string ServerDll { get; init; }
    public required string Root { get; init; }
    public double AverageEventBytes { get; set; }
    public string Provider { get; set; } = "SQLite";
    public List<NaiveResult> Naive { get; } = [];
    public double StartSeconds { get; set; }
    public Dictionary<string, int> RuleKinds { get; set; } = [];
    public double RulesSeconds { get; set; }
    private int RuleCount => RuleKinds.Values.Sum() + 1;
    public ThroughputResult? IngestOnlyCold { get; set; }
    public ThroughputResult? IngestOnly { get; set; }
    public ThroughputResult Pipeline { get; set; } = new();
    public LatencyResult Latency { get; set; } = new();
    public double IdleRss { get; set; }
    public double StartRss { get; set; }
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public (double Rss, double Hwm) EndRss { get; set; }
    public Dictionary<string, long> Database { get; set; } = [];
    public MachineInfo? Machine { get; set; }
    public string? ServerOutput { get; set; }

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, int digits = 1) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>The servers' GC pauses while probes were measured, and how many of the slowest 1 % of probes had one in flight.</summary>
    private string GcPausesLine(List<GcPause> pauses)
    {
        var slowest = Latency.Arrived.OrderByDescending(p => p.Milliseconds).Take(Math.Max(1, (int)Math.Ceiling(Latency.Arrived.Count / 100.0))).ToList();
        double Overlap((DateTime SentUtc, double Milliseconds) probe) => pauses.Sum(p =>
            Math.Max(0, (Min(p.EndUtc, probe.SentUtc.AddMilliseconds(probe.Milliseconds)) - Max(p.StartUtc, probe.SentUtc)).TotalMilliseconds));
        var hit = slowest.Count(p => Overlap(p) > 0);
        var share = slowest.Sum(p => p.Milliseconds) is var total and > 0 ? slowest.Sum(Overlap) / total : 0;
        var byGeneration = string.Join(", ", pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key < 0 ? "no collection" : $"gen{g.Key}")}: {g.Count()}, average {F(g.Average(p => p.Milliseconds))} ms, max {F(g.Max(p => p.Milliseconds))} ms")));
        return string.Create(CultureInfo.InvariantCulture,
            $"Server GC pauses while probes were measured (runtime GC events through the diagnostics port): {pauses.Count} ({(pauses.Count == 0 ? "none" : byGeneration)}); " +
            $"{hit} of the {slowest.Count} slowest probes (the 1 % that decide p99) had a pause in flight, and pauses were {F(share * 100, 0)} % of their latency.");

        static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
        static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    }

    private static string Verdict(bool ok) => ok ? "met" : "**missed**";

    public string ToMarkdown()
    {
        var naive = Naive[0];
        var ratio = Pipeline.EventsPerSecond / naive.PerSecond;
        var peakRss = Math.Max(Pipeline.PeakRss, Latency.PeakRss);
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on commit {Machine?.Commit}.");
        b.AppendLine();
        b.AppendLine("### Machine");
        b.AppendLine();
        b.AppendLine("| | |");
        b.AppendLine("| --- | --- |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| cores (`nproc`) | {Machine?.Cores} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| CPU | {Machine?.Cpu} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| memory | {F(Machine?.MemoryGiB ?? 0)} GiB |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| `dotnet --version` | {Machine?.Dotnet} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| OS | {Machine?.Os} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| load average (1/5/15 min) before / after the server phases | {LoadBefore} / {LoadAfter} |");
        b.AppendLine();
        b.AppendLine("### Settings");
        b.AppendLine();
        b.AppendLine("| | |");
        b.AppendLine("| --- | --- |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| server | `{ServerDll}` (`ASPNETCORE_ENVIRONMENT=Production`, log level Warning, {(Provider == "SQLite" ? "SQLite in a fresh temp directory" : "PostgreSQL, a fresh database")}), **{Provider}, {Options.Nodes} node(s)**{(Options.Nodes > 1 ? " clustered on one database, senders round-robin over the nodes, each probe awaited on another node than the one it was sent to; server CPU summed over the nodes, RSS of one node" : "")}, node 1 started in {F(StartSeconds)} s{(Options.ServerEnvironment.Count == 0 ? "" : "; extra environment: " + string.Join(", ", Options.ServerEnvironment.Select(e => $"`{e.Key}={e.Value}`")))} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| rules | {string.Join(", ", RuleKinds.Select(k => $"{k.Value} {k.Key}"))} (all active, ALERT_ONLY, every organization) + 1 latency-probe rule, created and activated through GraphQL (2 at a time) in {F(RulesSeconds)} s |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| events | {N(Options.Events)} measured after {N(Options.WarmupEvents)} warm-up, {F(AverageEventBytes, 0)} bytes on average, {Options.Organizations} organizations, random GUID ids, event time +{EventGenerator.Step.TotalMilliseconds:F0} ms per event |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| pipeline load | `POST /api/events`, JSON arrays of {N(Options.BatchSize)} events, {Options.Senders} concurrent senders (each sends its next request when the last one answered), HTTP/1.1 on loopback |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| naive insert | one connection, one prepared statement, transactions of {N(Options.BatchSize)} rows, same rows and JSON, before the server starts |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| latency load | {N(Options.LatencyRate)} events/s as {N(Options.LatencyRate / Options.LatencyRequestSize)} requests/s of {Options.LatencyRequestSize} events on a fixed schedule for {Options.LatencySeconds} s, after {Options.LatencyWarmupSeconds} s of the same load not measured; {Options.ProbesPerRequest} events per request are `bench.alert` probes (each raises a new alert titled with its id); {(Options.Nodes > 1 ? "one graphql-transport-ws subscriber of `alertRaised` per node, each probe awaited on the node after the one it was sent to" : "one graphql-transport-ws subscriber of `alertRaised`")} |");
        b.AppendLine();
        b.AppendLine("### Results");
        b.AppendLine();
        b.AppendLine("| measure | value | target | |");
        b.AppendLine("| --- | ---: | --- | --- |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| pipeline (HTTP, parse, idempotency, matching, persistence, alerts) | **{N(Pipeline.EventsPerSecond)} events/s** | | |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| naive {Provider} insert ({(Provider == "SQLite" ? "WAL, synchronous=NORMAL, " : "")}unique index) | **{N(naive.PerSecond)} events/s** | | |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| ratio pipeline / naive | **{F(ratio, 2)}×** | ≥ 1.0× (stretch 2×) | {Verdict(ratio >= 1.0)}{(ratio >= 1.0 ? "" : $" by {F((1 - ratio) * 100)} %")} |");
        if (IngestOnly is { } stored && stored.EventsPerSecond / naive.PerSecond is var storedRatio)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| store-only path (Respond off: HTTP, parse, idempotency, the log's append; after its warm-up) | **{N(stored.EventsPerSecond)} events/s** | | |");
            b.AppendLine(CultureInfo.InvariantCulture, $"| ratio store-only / naive | **{F(storedRatio, 2)}×** | ≥ 1.0× | {Verdict(storedRatio >= 1.0)}{(storedRatio >= 1.0 ? "" : $" by {F((1 - storedRatio) * 100)} %")} |");
        }
        b.AppendLine(CultureInfo.InvariantCulture, $"| alert latency p50 / p95 / p99 / max | {F(Latency.P(50))} / {F(Latency.P(95))} / **{F(Latency.P(99))}** / {F(Latency.Max)} ms | p99 ≤ 50 ms | {Verdict(Latency.P(99) <= 50 && Latency.Missing == 0)}{(Latency.P(99) <= 50 ? "" : $" by {F(Latency.P(99) - 50)} ms")} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| server RSS idle (15 s without requests, after start, {N(RuleCount)} rules and the {N((IngestOnlyCold?.Events ?? 0) + (IngestOnly?.Events ?? 0))} store-only events; just started: {F(StartRss, 0)} MiB) | {F(IdleRss, 0)} MiB | ≤ 200 MiB | {Verdict(IdleRss <= 200)} |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| server RSS peak under load (sampled every 100 ms) | {F(peakRss, 0)} MiB (VmHWM {F(EndRss.Hwm, 0)} MiB) | ≤ 600 MiB | {Verdict(peakRss <= 600)} |");
        b.AppendLine();
        b.AppendLine("Details:");
        b.AppendLine();
        b.AppendLine("| phase | events | time | events/s | server CPU (cores) | driver CPU (cores) | request p50 / p99 | server RSS peak |");
        b.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        if (IngestOnlyCold is { } cold)
            b.AppendLine(CultureInfo.InvariantCulture, $"| Respond off, its warm-up: the first load the server sees (it compiles the path as it goes) | {N(cold.Events)} | {F(cold.Elapsed.TotalSeconds)} s | {N(cold.EventsPerSecond)} | {F(cold.ServerCores, 2)} | {F(cold.DriverCores, 2)} | {F(cold.RequestP(50), 0)} / {F(cold.RequestP(99), 0)} ms | {F(cold.PeakRss, 0)} MiB |");
        if (IngestOnly is { } off)
            b.AppendLine(CultureInfo.InvariantCulture, $"| Respond off: the same pipeline storing only (no rule runs), before the main phase | {N(off.Events)} | {F(off.Elapsed.TotalSeconds)} s | {N(off.EventsPerSecond)} | {F(off.ServerCores, 2)} | {F(off.DriverCores, 2)} | {F(off.RequestP(50), 0)} / {F(off.RequestP(99), 0)} ms | {F(off.PeakRss, 0)} MiB |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| pipeline, Respond on, {N(RuleCount)} rules | {N(Pipeline.Events)} | {F(Pipeline.Elapsed.TotalSeconds)} s | {N(Pipeline.EventsPerSecond)} | {F(Pipeline.ServerCores, 2)} | {F(Pipeline.DriverCores, 2)} | {F(Pipeline.RequestP(50), 0)} / {F(Pipeline.RequestP(99), 0)} ms | {F(Pipeline.PeakRss, 0)} MiB |");
        b.AppendLine(CultureInfo.InvariantCulture, $"| steady load (latency phase) | {N(Latency.AchievedRate * Latency.Duration.TotalSeconds)} | {F(Latency.Duration.TotalSeconds)} s | {N(Latency.AchievedRate)} | {F(Latency.ServerCores, 2)} | | {F(Stats.Percentile(Latency.RequestMilliseconds, 50), 0)} / {F(Stats.Percentile(Latency.RequestMilliseconds, 99), 0)} ms | {F(Latency.PeakRss, 0)} MiB |");
        b.AppendLine();
        b.AppendLine("| naive insert variant | events/s | journal | synchronous |");
        b.AppendLine("| --- | ---: | --- | --- |");
        foreach (var n in Naive)
            b.AppendLine(CultureInfo.InvariantCulture, $"| {n.Name} | {N(n.PerSecond)} | {n.JournalMode} | {n.Synchronous} |");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Latency: {Latency.Samples.Count} probes measured, {Latency.Missing} never arrived{(Latency.SubscriberFailure is null ? "" : $" (subscriber: {Latency.SubscriberFailure})")}; the subscriber also received {N(Latency.OtherAlerts)} alerts of the other rules in that phase.");
        if (Latency.GcPauses is { } pauses) b.AppendLine().AppendLine(GcPausesLine(pauses));
        b.AppendLine();
        b.AppendLine("What the run left in the server's database:");
        b.AppendLine();
        b.AppendLine("| | |");
        b.AppendLine("| --- | ---: |");
        foreach (var (name, value) in Database) b.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {N(value)} |");
        if (ServerOutput is not null)
        {
            b.AppendLine();
            b.AppendLine("Server output (warnings and errors, last lines):");
            b.AppendLine();
            b.AppendLine("```text");
            b.AppendLine(ServerOutput.Length > 3000 ? ServerOutput[^3000..] : ServerOutput);
            b.AppendLine("```");
        }
        return b.ToString();
    }

    /// <summary>Replaces the text between the results markers of <paramref name="path"/> (creating the file if needed).</summary>
    public static void WriteInto(string path, string results)
    {
        var block = Begin + "\n" + results.TrimEnd() + "\n" + End;
        string text;
        if (File.Exists(path) && File.ReadAllText(path) is var existing && existing.Contains(Begin, StringComparison.Ordinal) && existing.Contains(End, StringComparison.Ordinal))
        {
            var start = existing.IndexOf(Begin, StringComparison.Ordinal);
            var end = existing.IndexOf(End, start, StringComparison.Ordinal) + End.Length;
            text = existing[..start] + block + existing[end..];
        }
        else
        {
            text = "# Performance\n\n## Results\n\n" + block + "\n";
        }
        File.WriteAllText(path, text);
    }
}
