using System.Collections.Concurrent;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// The agents connected to this server process, by (organization, device). One connection per device: a newer
/// one replaces the older (an agent that reconnected before the server noticed the old socket was dead).
/// </summary>
internal sealed class AgentRegistry
{
    private readonly ConcurrentDictionary<(string OrganizationId, string DeviceId), AgentConnection> _connections = new();

    public AgentConnection? Find(string organizationId, string deviceId) =>
        _connections.TryGetValue((organizationId, deviceId), out var connection) ? connection : null;

    public bool IsConnected(string organizationId, string deviceId, string agentId) =>
        Find(organizationId, deviceId)?.AgentId == agentId;

    public bool AnyConnected(string organizationId) => _connections.Keys.Any(k => k.OrganizationId == organizationId);

    /// <summary>Registers <paramref name="connection"/> and returns the one it replaced, if any.</summary>
    public AgentConnection? Add(AgentConnection connection)
    {
        AgentConnection? replaced = null;
        _connections.AddOrUpdate((connection.OrganizationId, connection.DeviceId), connection, (_, old) =>
        {
            replaced = old;
            return connection;
        });
        return replaced;
    }

    /// <summary>Removes <paramref name="connection"/> unless a newer connection of the device already took its place.</summary>
    public void Remove(AgentConnection connection) =>
        _connections.TryRemove(KeyValuePair.Create((connection.OrganizationId, connection.DeviceId), connection));
}
