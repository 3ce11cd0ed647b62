using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Respond.Server.Connectors.Outbound;

/// <summary>What kind of address an outbound request would reach; only <see cref="Public"/> is called by default.</summary>
public enum OutboundAddressKind { Public, Unspecified, Loopback, LinkLocal, Private, SharedAddressSpace, UniqueLocal, Multicast, Reserved }

/// <summary>
/// Decides whether Respond may open a connection to an address on behalf of a connector or webhook. A tenant admin
/// chooses those URLs, so without this they could make the server call its own loopback services, the cloud metadata
/// endpoint (169.254.169.254, fd00:ec2::254) or hosts on the private network behind it (server-side request forgery).
/// </summary>
/// <remarks>
/// Refused unless configured: unspecified, loopback, link-local, private (RFC 1918), carrier-grade NAT (RFC 6598),
/// unique-local IPv6, multicast and reserved or documentation ranges. IPv6 forms that carry an IPv4 address
/// (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by that IPv4 address, so ::ffff:127.0.0.1 is loopback.
/// <c>AllowedNetworks</c> admits any listed block; <c>AllowPrivateNetworks</c> admits private, CGNAT and unique-local.
/// </remarks>
public sealed class OutboundAddressPolicy
{
    private static readonly (IPNetwork Network, OutboundAddressKind Kind)[] V4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), OutboundAddressKind.Unspecified),
        (IPNetwork.Parse("127.0.0.0/8"), OutboundAddressKind.Loopback),
        (IPNetwork.Parse("10.0.0.0/8"), OutboundAddressKind.Private),
        (IPNetwork.Parse("172.16.0.0/12"), OutboundAddressKind.Private),
        (IPNetwork.Parse("192.168.0.0/16"), OutboundAddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), OutboundAddressKind.SharedAddressSpace),
        (IPNetwork.Parse("169.254.0.0/16"), OutboundAddressKind.LinkLocal),
        (IPNetwork.Parse("192.0.0.0/24"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("198.18.0.0/15"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), OutboundAddressKind.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), OutboundAddressKind.Reserved),
    ];

    private static readonly (IPNetwork Network, OutboundAddressKind Kind)[] V6 =
    [
        (IPNetwork.Parse("::/128"), OutboundAddressKind.Unspecified),
        (IPNetwork.Parse("::1/128"), OutboundAddressKind.Loopback),
        (IPNetwork.Parse("64:ff9b:1::/48"), OutboundAddressKind.Private),
        (IPNetwork.Parse("100::/64"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("2001::/32"), OutboundAddressKind.Reserved), // Teredo: the real peer is hidden in the address
        (IPNetwork.Parse("2001:db8::/32"), OutboundAddressKind.Reserved),
        (IPNetwork.Parse("fc00::/7"), OutboundAddressKind.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), OutboundAddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), OutboundAddressKind.Private), // deprecated site-local
        (IPNetwork.Parse("ff00::/8"), OutboundAddressKind.Multicast),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");

    private readonly IPNetwork[] _allowed;
    private readonly bool _allowPrivate;

    public OutboundAddressPolicy(IOptions<OutboundOptions> options)
    {
        _allowed = [.. options.Value.AllowedNetworks.Select(n => OutboundOptions.TryParseNetwork(n, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];
        _allowPrivate = options.Value.AllowPrivateNetworks;
    }

    /// <summary>Null when Respond may connect to <paramref name="address"/>; otherwise what kind of address it is.</summary>
    public OutboundAddressKind? Refuses(IPAddress address)
    {
        var kind = Classify(address);
        if (kind == OutboundAddressKind.Public) return null;
        var plain = Embedded(address) ?? address;
        if (_allowed.Any(n => n.Contains(plain) || n.Contains(address))) return null;
        if (_allowPrivate && kind is OutboundAddressKind.Private or OutboundAddressKind.SharedAddressSpace or OutboundAddressKind.UniqueLocal) return null;
        return kind;
    }

    public static OutboundAddressKind Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.ScopeId != 0) address = new IPAddress(address.GetAddressBytes()); // fe80::1%eth0 is still fe80::1
            foreach (var (network, kind) in V6)
                if (network.Contains(address)) return kind;
            return Embedded(address) is { } v4 ? Classify(v4) : OutboundAddressKind.Public;
        }
        foreach (var (network, kind) in V4)
            if (network.Contains(address)) return kind;
        return OutboundAddressKind.Public;
    }

    /// <summary>The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), or null.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || V4Compatible.Contains(address)) return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address)) return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }

    /// <summary>How a refusal reads in an error: "a loopback address".</summary>
    public static string Describe(OutboundAddressKind kind) => kind switch
    {
        OutboundAddressKind.Unspecified => "an unspecified address",
        OutboundAddressKind.Loopback => "a loopback address (this server itself)",
        OutboundAddressKind.LinkLocal => "a link-local address (this includes cloud metadata services such as 169.254.169.254)",
        OutboundAddressKind.Private => "a private network address (RFC 1918)",
        OutboundAddressKind.SharedAddressSpace => "a carrier-grade NAT address (RFC 6598)",
        OutboundAddressKind.UniqueLocal => "a unique-local IPv6 address (fc00::/7)",
        OutboundAddressKind.Multicast => "a multicast address",
        _ => "a reserved or special-purpose address",
    };
}
