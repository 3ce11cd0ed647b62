using Respond.Server.Features.Organizations;

namespace Respond.Server.Connectors;

/// <summary>A connector for demos and trials: healthy unless its settings ask it to play another status.</summary>
internal sealed class SimulatedConnector : IConnector
{
    public ConnectorKind Kind => ConnectorKind.Simulated;
    public IReadOnlyList<string> RequiredSettings => [];
    public IReadOnlyList<string> SecretSettings => [];

    public Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct) =>
        Task.FromResult(settings.Get("simulateStatus") switch
        {
            "BROKEN" => new ConnectionCheck(ConnectionStatus.Broken, "Simulated: the connection is broken."),
            "NEEDS_ATTENTION" => new ConnectionCheck(ConnectionStatus.NeedsAttention, "Simulated: permissions need to be granted again."),
            _ => new ConnectionCheck(ConnectionStatus.Healthy, null),
        });
}
