using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>An alert as the recording sink keeps it: the first request, how many matches it absorbed, and their events.</summary>
public sealed record RecordedAlert(string AlertId, AlertRequest Request, int Count, DateTimeOffset LastEventTime, IReadOnlyList<string> EventIds);

/// <summary>
/// Raises alerts in memory with the suppression rule of the real sink: a match of the same rule, organization and group
/// key within <c>SuppressFor</c> of the first alert's event time is counted on that alert instead of raising another.
/// </summary>
public sealed class RecordingAlertSink : IAlertSink
{
    private readonly Lock gate = new();
    private readonly List<RecordedAlert> alerts = [];
    private readonly List<(AlertRequest Request, AlertOutcome Outcome)> raised = [];

    public IReadOnlyList<RecordedAlert> Alerts
    {
        get { lock (gate) { return [.. alerts]; } }
    }

    /// <summary>Every request in order with its outcome (suppressed or not).</summary>
    public IReadOnlyList<(AlertRequest Request, AlertOutcome Outcome)> Raised
    {
        get { lock (gate) { return [.. raised]; } }
    }

    public ValueTask<AlertOutcome> RaiseAsync(AlertRequest request, CancellationToken ct)
    {
        lock (gate)
        {
            AlertOutcome outcome;
            var open = request.SuppressFor is { } span
                ? alerts.FindLastIndex(a => a.Request.RuleId == request.RuleId && a.Request.OrganizationId == request.OrganizationId
                    && a.Request.GroupKey == request.GroupKey && request.EventTime >= a.Request.EventTime
                    && request.EventTime - a.Request.EventTime < span)
                : -1;
            if (open >= 0)
            {
                var alert = alerts[open];
                alerts[open] = alert = alert with
                {
                    Count = alert.Count + 1,
                    LastEventTime = request.EventTime > alert.LastEventTime ? request.EventTime : alert.LastEventTime,
                    EventIds = [.. alert.EventIds, request.EventId],
                };
                outcome = new AlertOutcome(alert.AlertId, true, alert.Count);
            }
            else
            {
                var alert = new RecordedAlert($"alert-{alerts.Count + 1}", request, 1, request.EventTime, [request.EventId]);
                alerts.Add(alert);
                outcome = new AlertOutcome(alert.AlertId, false, 1);
            }
            raised.Add((request, outcome));
            return ValueTask.FromResult(outcome);
        }
    }
}
