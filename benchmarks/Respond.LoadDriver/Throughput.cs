using System.Diagnostics;

namespace Respond.LoadDriver;

/// <summary>What a throughput phase measured.</summary>
public sealed class ThroughputResult
{
    public int Events { get; init; }
    public int Requests { get; init; }
    public int Accepted { get; init; }
    public int Duplicates { get; init; }
    public int Errors { get; init; }
    public TimeSpan Elapsed { get; init; }
    public double ServerCores { get; init; }
    public double DriverCores { get; init; }
    public double PeakRss { get; init; }
    public List<double> RequestMilliseconds { get; init; } = [];

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public double RequestP(double percentile) => Stats.Percentile(RequestMilliseconds, percentile);
}

/// <summary>
/// Sends the prepared bodies with N concurrent senders (each takes the next body as soon as its previous request
/// answered; with several nodes, sender k sends to node k mod nodes), sampling the nodes' RSS while it runs. Server CPU
/// is the sum over the nodes, peak RSS the highest of one node. With <c>waitForEvaluation</c> the phase ends when the server has
/// also evaluated everything (ingestion answers once events are in the log; evaluation follows from it).
/// </summary>
public static class Throughput
{
    public static async Task<ThroughputResult> RunAsync(IReadOnlyList<RespondClient> clients, IReadOnlyList<ServerProcess> servers, IReadOnlyList<Batch> bodies, int senders, TimeSpan sampleEvery, bool waitForEvaluation = false)
    {
        var next = -1;
        int accepted = 0, duplicates = 0, errors = 0;
        var requestTimes = new List<double>(bodies.Count);
        using var stop = new CancellationTokenSource();
        var peak = 0.0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, servers.Max(s => s.Memory().Rss));
                try { await Task.Delay(sampleEvery, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var serverCpu = ServerProcess.CpuTime(servers);
        var driverCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, senders).Select(k => Task.Run(async () =>
        {
            var client = clients[k % clients.Count];
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var started = Stopwatch.GetTimestamp();
                var (a, d, e) = await client.PostEventsAsync(bodies[i].Body);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Add(ref accepted, a);
                Interlocked.Add(ref duplicates, d);
                Interlocked.Add(ref errors, e);
                lock (requestTimes) requestTimes.Add(ms);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        if (waitForEvaluation) await RespondClient.WaitForEvaluationAsync(clients);
        watch.Stop();
        var serverCores = (ServerProcess.CpuTime(servers) - serverCpu).TotalSeconds / watch.Elapsed.TotalSeconds;
        var driverCores = (Process.GetCurrentProcess().TotalProcessorTime - driverCpu).TotalSeconds / watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        if (errors > 0) throw new InvalidOperationException($"{errors} events were refused: the generator and the server disagree on the event format.");
        return new ThroughputResult
        {
            Events = bodies.Sum(b => b.Events),
            Requests = bodies.Count,
            Accepted = accepted,
            Duplicates = duplicates,
            Errors = errors,
            Elapsed = watch.Elapsed,
            ServerCores = serverCores,
            DriverCores = driverCores,
            PeakRss = peak,
            RequestMilliseconds = requestTimes,
        };
    }
}

public static class Stats
{
    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
