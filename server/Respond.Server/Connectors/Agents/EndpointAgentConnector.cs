using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Organizations;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// ENDPOINT_AGENT: response actions carried out by the agent of the target device over its channel. The connector
/// waits for the agent's result, so an action never sits in "dispatched" because of a lost message: no agent, no
/// answer or a dropped channel is a transient failure the response-action core retries. An agent connected to another
/// node (PostgreSQL) is reached through that node (<see cref="AgentCommandRelay"/>).
/// Settings (none required): <c>commandTimeoutSeconds</c> (1 to 600).
/// </summary>
internal sealed class EndpointAgentConnector(
    AgentRegistry registry, AgentCommandRelay relay, IServiceScopeFactory scopes, IOptions<AgentsOptions> options, TimeProvider time,
    ILogger<EndpointAgentConnector> logger) : IConnector
{
    public ConnectorKind Kind => ConnectorKind.EndpointAgent;
    public IReadOnlyList<string> RequiredSettings => [];
    public IReadOnlyList<string> SecretSettings => [];

    // What an endpoint can do to itself; an agent may still answer "not supported" (e.g. no nftables on the host).
    public IReadOnlySet<ResponseActionType> Capabilities { get; } = new HashSet<ResponseActionType>
    {
        ResponseActionType.KillProcess, ResponseActionType.IsolateDevice, ResponseActionType.UnisolateDevice,
        ResponseActionType.QuarantineFile, ResponseActionType.RestoreFile, ResponseActionType.BlockIp,
        ResponseActionType.UnblockIp, ResponseActionType.CollectForensics, ResponseActionType.ResetUserSession,
    };

    public async Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct)
    {
        if (registry.AnyConnected(settings.OrganizationId)) return new ConnectionCheck(ConnectionStatus.Healthy, null);
        await using var scope = scopes.CreateAsyncScope();
        var agents = scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<Agent>().Where(a => a.OrganizationId == settings.OrganizationId && a.RevokedAt == null);
        if (!await agents.AnyAsync(ct))
            return new ConnectionCheck(ConnectionStatus.NeedsAttention, "no agent has enrolled: create an enrolment token and install an agent.");
        var lastSeen = await agents.MaxAsync(a => a.LastSeenAt, ct);
        if (lastSeen is not null && time.GetUtcNow() - lastSeen <= options.Value.RecentlySeen)
            return new ConnectionCheck(ConnectionStatus.Healthy, null);
        return new ConnectionCheck(ConnectionStatus.NeedsAttention, lastSeen is null ? "no agent has connected yet." : $"no agent seen since {Format(lastSeen.Value)}.");
    }

    public async Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct)
    {
        if (Refuse(command) is { } refusal) return new ExecutionOutcome.Failed(refusal, Transient: false);
        var answer = await AskAsync(command, AgentProtocol.Execute, null, settings, ct);
        return answer switch
        {
            AgentAnswer.Replied { Succeeded: true } r => new ExecutionOutcome.Succeeded(r.Details, r.Facts),
            AgentAnswer.Replied r => new ExecutionOutcome.Failed(r.Details, r.Transient),
            AgentAnswer.NoAnswer n => new ExecutionOutcome.Failed(n.Reason, Transient: true),
            _ => throw new InvalidOperationException("Unknown answer."),
        };
    }

    /// <summary>
    /// The agent re-checks the effect with the execution's facts. No verdict (agent offline or silent, or it cannot
    /// check this type) is <c>Passed: null</c> with the reason, never a false alarm.
    /// </summary>
    public async Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct)
    {
        if (Refuse(command) is { } refusal) return new VerificationOutcome(null, refusal);
        var answer = await AskAsync(command, AgentProtocol.Verify, facts, settings, ct);
        return answer switch
        {
            AgentAnswer.Replied { Succeeded: true } r => new VerificationOutcome(true, r.Details),
            AgentAnswer.Replied r when r.Facts?["verifiable"] is JsonValue v && v.TryGetValue<bool>(out var verifiable) && !verifiable =>
                new VerificationOutcome(null, r.Details),
            AgentAnswer.Replied r => new VerificationOutcome(false, r.Details),
            AgentAnswer.NoAnswer n => new VerificationOutcome(null, "could not verify: " + n.Reason),
            _ => throw new InvalidOperationException("Unknown answer."),
        };
    }

    private string? Refuse(ActionCommand command) =>
        string.IsNullOrEmpty(command.Target.DeviceId) ? $"{ApiEnumName.Format(command.Type)} through an endpoint agent needs target.deviceId."
        : !Capabilities.Contains(command.Type) ? $"Endpoint agents cannot {ApiEnumName.Format(command.Type)}."
        : null;

    private async Task<AgentAnswer> AskAsync(ActionCommand command, string kind, JsonObject? facts, ConnectorSettings settings, CancellationToken ct)
    {
        var deviceId = command.Target.DeviceId!;
        var message = new AgentCommandMessage("cmd-" + Guid.NewGuid().ToString("N"), command.ActionId, kind, ApiEnumName.Format(command.Type),
            command.Target, (JsonObject)command.Parameters.DeepClone(), (JsonObject?)facts?.DeepClone());
        AgentAnswer answer;
        if (registry.Find(command.OrganizationId, deviceId) is { } connection)
        {
            AgentsLog.CommandSent(logger, message.CommandId, kind, message.ActionType, command.ActionId, deviceId);
            answer = await connection.AskAsync(message, CommandTimeout(settings), time, ct);
        }
        else if (await relay.AskAsync(message, command.OrganizationId, deviceId, CommandTimeout(settings), ct) is { } relayed)
        {
            answer = relayed;
        }
        else
        {
            return new AgentAnswer.NoAnswer(await OfflineReasonAsync(command.OrganizationId, deviceId, ct));
        }
        AgentsLog.CommandEnded(logger, message.CommandId, command.ActionId, answer switch
        {
            AgentAnswer.Replied { Succeeded: true } => "succeeded",
            AgentAnswer.Replied => "failed",
            _ => "no answer",
        });
        return answer;
    }

    private async Task<string> OfflineReasonAsync(string organizationId, string deviceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var agent = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<Agent>().AsNoTracking()
            .SingleOrDefaultAsync(a => a.OrganizationId == organizationId && a.DeviceId == deviceId, ct);
        return agent switch
        {
            null => $"agent offline: device {deviceId} has no enrolled agent in this organization.",
            { RevokedAt: { } revoked } => $"agent revoked: device {deviceId}'s agent was revoked at {Format(revoked)}; enrol it again to act on it.",
            { LastSeenAt: { } seen } => $"agent offline: device {deviceId} has not connected since {Format(seen)}.",
            _ => $"agent offline: device {deviceId} has never connected.",
        };
    }

    private TimeSpan CommandTimeout(ConnectorSettings settings)
    {
        if (settings.Settings.ValueKind == JsonValueKind.Object && settings.Settings.TryGetProperty("commandTimeoutSeconds", out var v))
        {
            var seconds = v.ValueKind switch
            {
                JsonValueKind.Number when v.TryGetDouble(out var n) => n,
                JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
                _ => 0,
            };
            if (seconds is >= 1 and <= 600) return TimeSpan.FromSeconds(seconds);
        }
        return options.Value.CommandTimeout;
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
