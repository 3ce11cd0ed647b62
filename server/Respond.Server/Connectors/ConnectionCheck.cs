using System.Text.Json;
using Respond.Server.Features.Organizations;

namespace Respond.Server.Connectors;

public sealed record ConnectionCheck(ConnectionStatus Status, string? Error);

/// <summary>What a connector needs to know about its organization's connection: settings in the clear, secrets unprotected only here.</summary>
public sealed record ConnectorSettings(JsonElement Settings, IReadOnlyDictionary<string, string> Secrets)
{
    public string? Get(string key) =>
        Settings.ValueKind == JsonValueKind.Object && Settings.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>One kind of connection (Entra ID, endpoint agent, webhook, simulated). Action execution is added by the response-actions work.</summary>
public interface IConnector
{
    ConnectorKind Kind { get; }

    /// <summary>Settings keys that must be present (non-secret).</summary>
    IReadOnlyList<string> RequiredSettings { get; }

    /// <summary>Settings keys that are secrets: stored protected, never returned.</summary>
    IReadOnlyList<string> SecretSettings { get; }

    Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct);
}
