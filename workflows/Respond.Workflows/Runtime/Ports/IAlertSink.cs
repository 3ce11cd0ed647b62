using System.Text.Json.Nodes;

namespace Respond.Workflows.Runtime.Ports;

/// <summary>What alert.create asks for. <c>Why</c> explains the firing: rule version, each condition on the path with its actual value, thresholds crossed.</summary>
public sealed record AlertRequest(
    string RuleId,
    int RuleVersion,
    string DefinitionHash,
    string OrganizationId,
    string Title,
    Severity Severity,
    string GroupKey,
    string EventId,
    DateTimeOffset EventTime,
    TimeSpan? SuppressFor,
    Func<JsonObject> ExplainWhy)
{
    private JsonObject? _why;

    /// <summary>
    /// Built on first read, as of the request (later steps of the run are not in it): a match that an open alert
    /// absorbs never needs it, and under a storm nearly every match is absorbed.
    /// </summary>
    public JsonObject Why => _why ??= ExplainWhy();
}

/// <summary><c>Suppressed</c>: true when an open alert of the same rule and group key within SuppressFor absorbed this match (its Count grew).</summary>
public sealed record AlertOutcome(string AlertId, bool Suppressed, int Count);

/// <summary>Raises alerts, applying suppression atomically (a storm of matches for one rule and group key is one alert that counts them).</summary>
public interface IAlertSink
{
    ValueTask<AlertOutcome> RaiseAsync(AlertRequest request, CancellationToken ct);
}
