using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Connectors;

/// <summary>
/// A connector for demos and tests: acts on nothing, succeeds unless its settings ask otherwise.
/// Settings: <c>simulateStatus</c> (BROKEN, NEEDS_ATTENTION), <c>failActions</c> (true: every action fails permanently),
/// <c>failTargets</c> (a list: actions on these device/user ids, IPs or paths fail permanently),
/// <c>transientFailures</c> (n: the first n attempts of each action fail transiently), <c>delayMs</c> (per execution),
/// <c>failVerification</c> (true: verification reports the effect is gone). Where <see cref="SimulatedConnectorPolicy"/>
/// does not allow it, it checks BROKEN and fails every action, saying why.
/// </summary>
internal sealed class SimulatedConnector(TimeProvider time, SimulatedConnectorPolicy policy) : IConnector
{
    public ConnectorKind Kind => ConnectorKind.Simulated;
    public IReadOnlyList<string> RequiredSettings => [];
    public IReadOnlyList<string> SecretSettings => [];

    // Everything a connector can do; RUN_SCRIPT runs in Respond's own sandbox, not through a connector.
    public IReadOnlySet<ResponseActionType> Capabilities { get; } =
        Enum.GetValues<ResponseActionType>().Where(t => t != ResponseActionType.RunScript).ToHashSet();

    public Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct) =>
        Task.FromResult(!policy.Allowed ? new ConnectionCheck(ConnectionStatus.Broken, SimulatedConnectorPolicy.Refusal) : settings.Get("simulateStatus") switch
        {
            "BROKEN" => new ConnectionCheck(ConnectionStatus.Broken, "Simulated: the connection is broken."),
            "NEEDS_ATTENTION" => new ConnectionCheck(ConnectionStatus.NeedsAttention, "Simulated: permissions need to be granted again."),
            _ => new ConnectionCheck(ConnectionStatus.Healthy, null),
        });

    public async Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct)
    {
        if (!policy.Allowed) return new ExecutionOutcome.Failed(SimulatedConnectorPolicy.Refusal, Transient: false);
        if (Number(settings, "delayMs") is > 0 and var delay) await Task.Delay(TimeSpan.FromMilliseconds(delay), time, ct);
        if (Flag(settings, "failActions")) return new ExecutionOutcome.Failed("Simulated: the action failed (permission denied).", Transient: false);
        if (FailTargets(settings).Overlaps(new[] { command.Target.DeviceId, command.Target.UserId, command.Target.Ip, command.Target.FilePath }.OfType<string>()))
            return new ExecutionOutcome.Failed("Simulated: the agent on this target answered permission denied.", Transient: false);
        if (command.Attempt <= Number(settings, "transientFailures"))
            return new ExecutionOutcome.Failed($"Simulated: the agent is offline (attempt {command.Attempt}).", Transient: true);
        return new ExecutionOutcome.Succeeded($"Simulated: {ApiEnumName.Format(command.Type)} done.", new JsonObject { ["simulated"] = true });
    }

    public Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct) =>
        Task.FromResult(Flag(settings, "failVerification")
            ? new VerificationOutcome(false, "Simulated: the effect is no longer in place.")
            : new VerificationOutcome(true, "Simulated: the effect is in place."));

    private static bool Flag(ConnectorSettings settings, string key) =>
        settings.Settings.ValueKind == JsonValueKind.Object && settings.Settings.TryGetProperty(key, out var v) &&
        (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));

    private static HashSet<string> FailTargets(ConnectorSettings settings) =>
        settings.Settings.ValueKind == JsonValueKind.Object && settings.Settings.TryGetProperty("failTargets", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];

    private static int Number(ConnectorSettings settings, string key) =>
        settings.Settings.ValueKind == JsonValueKind.Object && settings.Settings.TryGetProperty(key, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.Number when v.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(v.GetString(), out var n) => n,
                _ => 0,
            }
            : 0;
}
