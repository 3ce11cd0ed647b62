using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Connectors;

public sealed record ConnectionCheck(ConnectionStatus Status, string? Error);

/// <summary>What a connector needs to know about its organization's connection: settings in the clear, secrets unprotected only here.</summary>
public sealed record ConnectorSettings(string OrganizationId, JsonElement Settings, IReadOnlyDictionary<string, string> Secrets)
{
    public string? Get(string key) =>
        Settings.ValueKind == JsonValueKind.Object && Settings.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>What a response action acts on; which members are set depends on the type (validated before any connector sees it).</summary>
public sealed record ActionTarget(string? DeviceId, string? UserId, string? Ip, int? ProcessId, string? FilePath, string? FileSha256);

/// <summary>One response action handed to a connector. <c>Attempt</c> starts at 1 and grows with each retry.</summary>
public sealed record ActionCommand(string ActionId, string OrganizationId, ResponseActionType Type, ActionTarget Target, JsonObject Parameters, int Attempt);

/// <summary>How an execution attempt ended, as far as the connector knows at once.</summary>
public abstract record ExecutionOutcome
{
    private ExecutionOutcome() { }

    /// <summary>Done. <c>Facts</c> are kept with the action (e.g. the firewall rule id) and passed to verification.</summary>
    public sealed record Succeeded(string Details, JsonObject? Facts = null) : ExecutionOutcome;

    /// <summary>Not done. Transient failures (throttled, agent offline, timeout, 5xx) are retried with backoff, honouring <c>RetryAfter</c>.</summary>
    public sealed record Failed(string Reason, bool Transient, TimeSpan? RetryAfter = null) : ExecutionOutcome;

    /// <summary>Handed over; the result arrives later through <see cref="IActionResults.ReportAsync"/> (webhook callback, agent report).</summary>
    public sealed record Dispatched(string Details) : ExecutionOutcome;
}

/// <summary>The post-action check of seed 002. <c>Passed</c> null: this connector cannot verify this type (NOT_APPLICABLE).</summary>
public sealed record VerificationOutcome(bool? Passed, string Details);

/// <summary>Where connectors report results that arrive after <see cref="ExecutionOutcome.Dispatched"/>. Implemented by the response-actions feature.</summary>
public interface IActionResults
{
    /// <summary>
    /// Completes (or fails) an EXECUTING action of <paramref name="organizationId"/> (the organization whose credential
    /// authenticated the report). Unknown ids, other organizations' actions and actions no longer executing are ignored: false.
    /// </summary>
    Task<bool> ReportAsync(string organizationId, string actionId, bool succeeded, string details, JsonObject? facts, CancellationToken ct);
}

/// <summary>One kind of connection (Entra ID, endpoint agent, webhook, simulated): how to check it and what it can do.</summary>
public interface IConnector
{
    ConnectorKind Kind { get; }

    /// <summary>Settings keys that must be present (non-secret).</summary>
    IReadOnlyList<string> RequiredSettings { get; }

    /// <summary>Settings keys that are secrets: stored protected, never returned.</summary>
    IReadOnlyList<string> SecretSettings { get; }

    /// <summary>
    /// Settings keys holding URLs Respond sends requests to; checked against the outbound address policy when a
    /// connection is saved and tested (the connection-time guard checks every request as well).
    /// </summary>
    IReadOnlyList<string> OutboundUrlSettings => [];

    /// <summary>The response action types this connector can execute.</summary>
    IReadOnlySet<ResponseActionType> Capabilities { get; }

    Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct);

    /// <summary>Runs one attempt. Never throws for expected failures: returns <see cref="ExecutionOutcome.Failed"/> with a reason a person understands.</summary>
    Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct);

    /// <summary>Checks a completed action took effect. <c>facts</c> are those the execution returned or reported.</summary>
    Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct);
}
