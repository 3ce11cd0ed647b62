using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Messaging;

namespace Respond.Server.Telemetry;

/// <summary>
/// Respond's meter (docs/configuration.md lists every instrument). Ingestion, actions and connector calls add to its
/// counters where they happen; alerts and approvals are counted from what is announced after commit, so a unit of work
/// that rolled back counts nothing. No instrument carries an organization: the scrape endpoint is one installation's
/// view and its label values stay few (types, outcomes, connector kinds).
/// </summary>
/// <remarks>
/// The meter and its instruments live as long as the process, as OpenTelemetry expects: a meter disposed with its host
/// would end the series of every other host in the process that reports under the same name (tests run many hosts at
/// once). Gauges read what each live host registered with <see cref="ObserveEvaluationLag"/> and <see cref="ObserveScriptWorkers"/>.
/// </remarks>
public sealed class RespondMetrics : IDisposable
{
    private static readonly Meter Meter = new(RespondTelemetry.Name);
    private static readonly Counter<long> IngestedEvents = Meter.CreateCounter<long>("respond.events.ingested", "{event}", "Events appended to the event log.");
    private static readonly Counter<long> DuplicateEvents = Meter.CreateCounter<long>("respond.events.duplicates", "{event}", "Events received again (same organization, source and id) and not stored twice.");
    private static readonly Counter<long> RejectedEvents = Meter.CreateCounter<long>("respond.events.rejected", "{event}", "Events refused by validation or because they named an organization the sender does not hold.");
    private static readonly Counter<long> RefusedBatches = Meter.CreateCounter<long>("respond.ingest.batches.refused", "{batch}", "Batches refused unread because evaluation was behind (503, EVALUATION_BEHIND).");
    private static readonly Counter<long> RaisedAlerts = Meter.CreateCounter<long>("respond.alerts.raised", "{alert}", "Alerts raised (by rules and by Respond itself), by severity.");
    private static readonly Counter<long> OpenedApprovals = Meter.CreateCounter<long>("respond.approvals.opened", "{request}", "Approval requests opened, by kind.");
    private static readonly Counter<long> DecidedApprovals = Meter.CreateCounter<long>("respond.approvals.decided", "{request}", "Approval requests approved or rejected, by outcome.");
    private static readonly Counter<long> ExpiredApprovals = Meter.CreateCounter<long>("respond.approvals.expired", "{request}", "Approval requests that expired without a decision.");
    private static readonly Counter<long> EndedActions = Meter.CreateCounter<long>("respond.actions.ended", "{action}", "Response actions that reached an end state, by type and outcome.");
    private static readonly Histogram<double> ConnectorDuration = Meter.CreateHistogram<double>("respond.connector.duration", "s", "Connector calls (execute, verify), by connector, operation and outcome.");
    private static readonly Counter<long> ConnectorErrors = Meter.CreateCounter<long>("respond.connector.errors", "{call}", "Connector calls that failed or threw, by connector and operation.");
    private static readonly ConcurrentDictionary<RespondMetrics, byte> Live = new();

    static RespondMetrics()
    {
        Meter.CreateObservableGauge("respond.evaluation.lag.events", () => Live.Keys.Sum(m => m._lagEvents?.Invoke() ?? 0), "{event}",
            "Events stored and not yet evaluated, over every organization (what backpressure measures).");
        Meter.CreateObservableGauge("respond.evaluation.lag.seconds", () => Live.Keys.Select(m => m._lagSeconds?.Invoke() ?? 0).DefaultIfEmpty(0).Max(), "s",
            "Age of the oldest event not yet evaluated, since it was appended (a backlog found at start-up counts from the start).");
        Meter.CreateObservableGauge("respond.scripts.workers", () =>
        {
            var pools = Live.Keys.Select(m => m._scriptWorkers?.Invoke()).OfType<(int Busy, int Idle)>().ToList();
            return pools.Count == 0 ? Array.Empty<Measurement<int>>() : new[]
            {
                new Measurement<int>(pools.Sum(p => p.Busy), new KeyValuePair<string, object?>("state", "busy")),
                new Measurement<int>(pools.Sum(p => p.Idle), new KeyValuePair<string, object?>("state", "idle")),
            };
        }, "{worker}", "Run Script worker slots running a script (busy) or waiting for one (idle); reported once the pool started.");
    }

    private readonly IDisposable _announcements;
    private Func<long>? _lagEvents;
    private Func<double>? _lagSeconds;
    private Func<(int Busy, int Idle)>? _scriptWorkers;

    public RespondMetrics(RespondEvents events)
    {
        _announcements = new CompositeSubscription(
            events.ObserveThisNode<Alert>(_ => true).Subscribe(new Observer<Alert>(a => RaisedAlerts.Add(1, new KeyValuePair<string, object?>("severity", Label(a.Severity))))),
            events.ObserveThisNode<ApprovalRequested>(_ => true).Subscribe(new Observer<ApprovalRequested>(r =>
                OpenedApprovals.Add(1, new KeyValuePair<string, object?>("kind", Label(r.Request.Kind))))),
            events.ObserveThisNode<ApprovalDecided>(_ => true).Subscribe(new Observer<ApprovalDecided>(Decided)));
        Live.TryAdd(this, 0);
    }

    /// <summary>The engine's lag, read at each collection (events pending, age of the oldest in seconds).</summary>
    public void ObserveEvaluationLag(Func<long> events, Func<double> seconds)
    {
        _lagEvents = events;
        _lagSeconds = seconds;
    }

    /// <summary>The Run Script pool's slots, read at each collection once the pool exists.</summary>
    public void ObserveScriptWorkers(Func<(int Busy, int Idle)> workers) => _scriptWorkers = workers;

    public void Ingested(int accepted, int duplicates, int rejected)
    {
        if (accepted > 0) IngestedEvents.Add(accepted);
        if (duplicates > 0) DuplicateEvents.Add(duplicates);
        if (rejected > 0) RejectedEvents.Add(rejected);
    }

    public void BatchRefused() => RefusedBatches.Add(1);

    public void ActionEnded(Workflows.ResponseActionType type, string outcome) =>
        EndedActions.Add(1, new KeyValuePair<string, object?>("type", Workflows.ApiEnumName.Format(type)), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One connector call: <paramref name="failed"/> when it threw or reported a failure.</summary>
    public void ConnectorCalled(string connector, string operation, TimeSpan duration, bool failed)
    {
        var tags = new TagList { { "connector", connector }, { "operation", operation }, { "outcome", failed ? "failed" : "succeeded" } };
        ConnectorDuration.Record(duration.TotalSeconds, tags);
        if (failed) ConnectorErrors.Add(1, new KeyValuePair<string, object?>("connector", connector), new KeyValuePair<string, object?>("operation", operation));
    }

    private void Decided(ApprovalDecided decided)
    {
        switch (decided.Request.Status)
        {
            case ApprovalStatus.Expired:
                ExpiredApprovals.Add(1);
                break;
            case ApprovalStatus.Approved or ApprovalStatus.Rejected:
                DecidedApprovals.Add(1, new KeyValuePair<string, object?>("outcome", Label(decided.Request.Status)));
                break;
        }
    }

    private static string Label<T>(T value) where T : struct, Enum => Workflows.ApiEnumName.Format(value);

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        _announcements.Dispose();
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);
        public void OnError(Exception error) { }
        public void OnCompleted() { }
    }

    private sealed class CompositeSubscription(params IDisposable[] subscriptions) : IDisposable
    {
        public void Dispose()
        {
            foreach (var s in subscriptions) s.Dispose();
        }
    }
}
