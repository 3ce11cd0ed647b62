namespace Respond.Server.Features.Organizations;

public enum ConnectionStatus { NotConnected, Healthy, NeedsAttention, Broken }

public enum ConnectorKind { Simulated, MicrosoftGraph, EndpointAgent, Webhook }

/// <summary>A tenant. Connections let it run response actions; rules and alerts never need one (seed 000).</summary>
public sealed class Organization
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<OrganizationConnection> Connections { get; init; } = [];

    /// <summary>The best status of its connections: one healthy connection is enough to act.</summary>
    public ConnectionStatus ConnectionStatus => Connections.Count == 0
        ? ConnectionStatus.NotConnected
        : Connections.Select(c => c.Status).OrderBy(StatusRank).First();

    /// <summary>
    /// Every connection with the best status (the one <see cref="ConnectionStatus"/> reports) is SIMULATED: its health
    /// says nothing about a real system, and actions through it act on nothing.
    /// </summary>
    public bool ConnectionSimulated => Connections.Count > 0 && Connections.Where(c => c.Status == ConnectionStatus).All(c => c.Simulated);

    private static int StatusRank(ConnectionStatus s) => s switch
    {
        ConnectionStatus.Healthy => 0,
        ConnectionStatus.NeedsAttention => 1,
        ConnectionStatus.Broken => 2,
        _ => 3,
    };
}

/// <summary>One connector configured for an organization. Secrets are stored protected and never read back out through the API.</summary>
public sealed class OrganizationConnection
{
    public required string OrganizationId { get; init; }
    public required ConnectorKind Connector { get; init; }
    public required string SettingsJson { get; set; }
    public string? ProtectedSecrets { get; set; }
    public List<string> SecretNames { get; set; } = [];
    public ConnectionStatus Status { get; set; } = ConnectionStatus.NotConnected;
    public DateTimeOffset? LastCheckedAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
    public string? ConnectedBy { get; set; }

    /// <summary>The SIMULATED connector: acts on nothing (demos, development).</summary>
    public bool Simulated => Connector == ConnectorKind.Simulated;

    public void RecordCheck(ConnectionStatus status, string? error, DateTimeOffset at)
    {
        Status = status;
        LastError = error;
        LastCheckedAt = at;
    }
}
