using System.Net;

namespace Respond.Server.Connectors.Outbound;

/// <summary>Turns a host name into addresses; a seam so tests can make a name resolve to the addresses they choose.</summary>
public interface IHostNameResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

internal sealed class DnsHostNameResolver : IHostNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
