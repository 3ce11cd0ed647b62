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
    private readonly Dictionary<(string RuleId, string OrganizationId, string GroupKey), int> latest = [];
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
            var group = (request.RuleId, request.OrganizationId, request.GroupKey);
            var open = request.SuppressFor is { } span && latest.TryGetValue(group, out var last)
                && request.EventTime >= alerts[last].Request.EventTime && request.EventTime - alerts[last].Request.EventTime < span
                    ? last
                    : -1;
            if (open >= 0)
            {
                var alert = alerts[open];
                ((List<string>)alert.EventIds).Add(request.EventId); // appended in place: a storm must not cost O(n²)
                alerts[open] = alert = alert with
                {
                    Count = alert.Count + 1,
                    LastEventTime = request.EventTime > alert.LastEventTime ? request.EventTime : alert.LastEventTime,
                };
                outcome = new AlertOutcome(alert.AlertId, true, alert.Count);
            }
            else
            {
                var alert = new RecordedAlert($"alert-{alerts.Count + 1}", request, 1, request.EventTime, new List<string> { request.EventId });
                latest[group] = alerts.Count;
                alerts.Add(alert);
                outcome = new AlertOutcome(alert.AlertId, false, 1);
            }
            raised.Add((request, outcome));
            return ValueTask.FromResult(outcome);
        }
    }
}
