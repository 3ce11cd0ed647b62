using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Respond.LoadDriver;

/// <summary>What the latency phase measured.</summary>
public sealed class LatencyResult
{
    public List<double> Samples { get; init; } = [];
    public int Probes { get; init; }
    public int Missing { get; init; }
    public int OtherAlerts { get; init; }
    public double AchievedRate { get; init; }
    public TimeSpan Duration { get; init; }
    public double ServerCores { get; init; }
    public double PeakRss { get; init; }
    public List<double> RequestMilliseconds { get; init; } = [];
    /// <summary>Each probe that arrived: when its request was sent (UTC) and its latency.</summary>
    public List<(DateTime SentUtc, double Milliseconds)> Arrived { get; init; } = [];
    /// <summary>The servers' GC pauses while probes were measured; null when they could not be recorded.</summary>
    public List<GcPause>? GcPauses { get; init; }
    public string? SubscriberFailure { get; init; }

    public double P(double percentile) => Stats.Percentile(Samples, percentile);

    public double Max => Samples.Count == 0 ? double.NaN : Samples.Max();
}

/// <summary>
/// A steady load (requests of N events on a fixed schedule, each sent on time whether or not the previous one has
/// answered) in which a few events per request are <c>bench.alert</c> probes. The latency of a probe is from just
/// before its request is sent to the arrival of the <c>alertRaised</c> message carrying its id at a graphql-ws subscriber.
/// With several nodes, request r goes to node r mod nodes and its probes are awaited by the subscriber of the next node,
/// so every probe crosses nodes (the alert reaches that subscriber through the database's notices).
/// </summary>
public static class LatencyProbe
{
    public static async Task<LatencyResult> RunAsync(IReadOnlyList<RespondClient> clients, IReadOnlyList<ServerProcess> servers, EventGenerator generator, BenchOptions options)
    {
        var requestsPerSecond = (double)options.LatencyRate / options.LatencyRequestSize;
        var interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        var requests = (int)Math.Round(options.LatencySeconds * requestsPerSecond);
        // The same schedule runs first for the warm-up seconds; those requests' probes are sent and alerted but not measured.
        var warmup = (int)Math.Round(options.LatencyWarmupSeconds * requestsPerSecond);

        // Bodies up front: the probe ids of each request are known before it is sent.
        var random = new Random(7);
        var planned = new List<(byte[] Body, string[] Probes, int Events)>(warmup + requests);
        for (var r = 0; r < warmup + requests; r++)
        {
            var probeAt = Enumerable.Range(0, options.ProbesPerRequest).Select(_ => random.Next(options.LatencyRequestSize)).ToHashSet();
            var events = new List<GeneratedEvent>(options.LatencyRequestSize);
            var probes = new List<string>();
            for (var i = 0; i < options.LatencyRequestSize; i++)
            {
                var e = probeAt.Contains(i) ? generator.Next(EventGenerator.BenchAlertType) : generator.Next();
                if (probeAt.Contains(i)) probes.Add(e.Id);
                events.Add(e);
            }
            planned.Add((EventGenerator.Body(events), [.. probes], events.Count));
        }

        var subscribers = new List<AlertSubscriber>();
        try
        {
            for (var n = 0; n < servers.Count; n++)
            {
                subscribers.Add(new AlertSubscriber());
                await subscribers[n].ConnectAsync(servers[n].BaseAddress, clients[n].Token);
            }
            await Task.Delay(500);
            return await MeasureAsync(clients, servers, subscribers, planned, interval, warmup, options.ProbeLog);
        }
        finally
        {
            foreach (var subscriber in subscribers) await subscriber.DisposeAsync();
        }
    }

    private static async Task<LatencyResult> MeasureAsync(IReadOnlyList<RespondClient> clients, IReadOnlyList<ServerProcess> servers, List<AlertSubscriber> subscribers,
        List<(byte[] Body, string[] Probes, int Events)> planned, TimeSpan interval, int warmup, string? probeLog)
    {
        var requests = planned.Count;
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var awaitedBy = new ConcurrentDictionary<string, AlertSubscriber>(StringComparer.Ordinal);
        var requestTimes = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var peak = 0.0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, servers.Max(s => s.Memory().Rss));
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var serverCpu = ServerProcess.CpuTime(servers);
        var recorders = servers.Select(s => GcPauseRecorder.TryStart(s.Pid)).ToList();
        var measuredFromUtc = DateTime.MaxValue;
        var inFlight = new List<Task>(requests);
        var watch = Stopwatch.StartNew();
        var measuredFrom = TimeSpan.Zero;
        var eventsSent = 0;
        for (var r = 0; r < requests; r++)
        {
            var due = interval * r;
            var wait = due - watch.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            if (r == warmup)
            {
                measuredFrom = watch.Elapsed;
                measuredFromUtc = DateTime.UtcNow;
                serverCpu = ServerProcess.CpuTime(servers);
                requestTimes.Clear();
            }
            var measured = r >= warmup;
            var (body, probes, count) = planned[r];
            var client = clients[r % clients.Count];
            var subscriber = subscribers[(r + 1) % subscribers.Count];
            inFlight.Add(Task.Run(async () =>
            {
                var at = Stopwatch.GetTimestamp();
                if (measured)
                    foreach (var id in probes)
                    {
                        awaitedBy[id] = subscriber;
                        sent[id] = at;
                    }
                await client.PostEventsAsync(body);
                if (measured) requestTimes.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            }));
            if (measured) eventsSent += count;
        }
        await Task.WhenAll(inFlight);
        var duration = watch.Elapsed - measuredFrom;
        var serverCores = (ServerProcess.CpuTime(servers) - serverCpu).TotalSeconds / duration.TotalSeconds;

        // Evaluation follows the log: let it catch up, give late alerts a moment, then count what never came.
        await RespondClient.WaitForEvaluationAsync(clients);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5) && sent.Keys.Any(id => !awaitedBy[id].Arrivals.ContainsKey(id)))
            await Task.Delay(50);
        await stop.CancelAsync();
        await sampler;

        var samples = new List<double>(sent.Count);
        var missing = 0;
        var arrivedProbes = new List<(DateTime SentUtc, double Milliseconds)>(sent.Count);
        var (nowUtc, now) = (DateTime.UtcNow, Stopwatch.GetTimestamp());
        foreach (var (id, at) in sent.OrderBy(p => p.Value))
        {
            if (awaitedBy[id].Arrivals.TryGetValue(id, out var arrived))
            {
                samples.Add(Stopwatch.GetElapsedTime(at, arrived).TotalMilliseconds);
                arrivedProbes.Add((nowUtc - Stopwatch.GetElapsedTime(at, now), samples[^1]));
            }
            else missing++;
        }
        var pauses = new List<GcPause>();
        foreach (var recorder in recorders.OfType<GcPauseRecorder>()) pauses.AddRange((await recorder.StopAsync()).Where(p => p.StartUtc >= measuredFromUtc));
        if (probeLog is not null)
            await File.WriteAllLinesAsync(probeLog, ["sent_utc,latency_ms", .. arrivedProbes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.SentUtc:O},{p.Milliseconds:F1}"))]);
        return new LatencyResult
        {
            Samples = samples,
            Probes = sent.Count,
            Missing = missing,
            OtherAlerts = subscribers[0].OtherAlerts,
            AchievedRate = eventsSent / duration.TotalSeconds,
            Duration = duration,
            ServerCores = serverCores,
            PeakRss = peak,
            RequestMilliseconds = [.. requestTimes],
            Arrived = arrivedProbes,
            GcPauses = recorders.All(r => r is not null) ? pauses : null,
            SubscriberFailure = subscribers.Select(s => s.Failure).FirstOrDefault(f => f is not null),
        };
    }
}
