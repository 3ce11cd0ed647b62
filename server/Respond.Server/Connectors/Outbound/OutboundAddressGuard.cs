using System.Net;
using System.Net.Sockets;

namespace Respond.Server.Connectors.Outbound;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every outbound HttpClient (connectors, webhooks, Graph):
/// it resolves the host itself, refuses when any address is one the <see cref="OutboundAddressPolicy"/> refuses, and
/// connects to exactly the addresses it checked. Checking after resolution, on the address connected, closes the gap
/// a pre-flight check leaves (a name that resolves to a public address first and to 127.0.0.1 when connecting); and
/// as every new connection passes here, each redirect hop to another host is checked too.
/// </summary>
public sealed class OutboundAddressGuard(OutboundAddressPolicy policy, IHostNameResolver resolver, ILogger<OutboundAddressGuard> logger)
{
    /// <summary>How long the configuration-time check waits for DNS before leaving the decision to connect time.</summary>
    private static readonly TimeSpan ResolveTimeLimit = TimeSpan.FromSeconds(5);

    public const string Advice = "Respond does not call loopback, link-local, private or metadata addresses unless Respond:Outbound:AllowedNetworks allows them.";

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await AddressesAsync(host, ct);
        if (Refusal(host, addresses) is { } refusal)
        {
            OutboundLog.Refused(logger, host, refusal);
            throw new OutboundAddressRefusedException(refusal);
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// The configuration-time check of a URL a connection is saved or tested with: why it is refused, or null. A name
    /// that does not resolve (now) is not refused here; <see cref="ConnectAsync"/> checks again on every connection.
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(ResolveTimeLimit);
        IPAddress[] addresses;
        try
        {
            addresses = await AddressesAsync(url.IdnHost, limit.Token);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
        return Refusal(url.IdnHost, addresses);
    }

    private async Task<IPAddress[]> AddressesAsync(string host, CancellationToken ct)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address) ? [address] : await resolver.ResolveAsync(host, ct);
    }

    private string? Refusal(string host, IPAddress[] addresses)
    {
        foreach (var address in addresses)
        {
            if (policy.Refuses(address) is not { } kind) continue;
            // A literal address is named as written; for a name only the kind, so the answer does not map internal DNS.
            var what = IPAddress.TryParse(host.Trim('[', ']'), out _) ? $"{host} is" : $"{host} resolves to";
            return $"{what} {OutboundAddressPolicy.Describe(kind)}. {Advice}";
        }
        return null;
    }

    /// <summary>The first URL setting of a connection that is refused, checked as <see cref="RefusalAsync"/> does; or null.</summary>
    public async Task<(string Setting, string Reason)?> RefusedSettingAsync(IConnector connector, ConnectorSettings settings, CancellationToken ct)
    {
        foreach (var key in connector.OutboundUrlSettings)
        {
            if (Uri.TryCreate(settings.Get(key), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                && await RefusalAsync(url, ct) is { } reason)
                return (key, reason);
        }
        return null;
    }
}
