using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Tests.Connectors.Outbound;

/// <summary>DNS as a test wants it: each name resolves to the addresses set for it now (change them to rebind); others do not resolve.</summary>
public sealed class MappedHostNameResolver : IHostNameResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public MappedHostNameResolver Map(string host, params string[] addresses)
    {
        _names[host] = [.. addresses.Select(IPAddress.Parse)];
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        _names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound);
}
