using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Respond.Server.Identity;

/// <summary>
/// Failed credential checks per source address, across every user name and client id and every way in (the login
/// page, the password grant, client authentication at the token, introspection and revocation endpoints) and every node
/// sharing the database. An address with <see cref="SignInOptions.MaxFailuresPerSource"/> failures within a minute is
/// refused without any check until the oldest one is a minute old: one address cannot spray guesses over many names, nor
/// hash-flood the server.
/// </summary>
internal sealed class SourceThrottle(IOptions<SignInOptions> options, TimeProvider time, IServiceScopeFactory scopes)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly FailureWindow _failures = new(scopes, time, FailureWindow.Sources, options.Value.MaxFailuresPerSource, Window);

    /// <summary>How long the source is still refused; null when it may try.</summary>
    public Task<TimeSpan?> ThrottledForAsync(string source, CancellationToken ct) => _failures.ThrottledForAsync(source, ct);

    /// <summary>Whether the source failed a credential check within the last minute.</summary>
    public Task<bool> HasFailedAsync(string source, CancellationToken ct) => _failures.HasFailedAsync(source, ct);

    /// <summary>Counts a failure; true when this one throttled the source.</summary>
    public Task<bool> FailedAsync(string source) => _failures.FailedAsync(source);
}

/// <summary>
/// The address a request comes from, as a throttling key. IPv6 addresses count per /64, the block one subscriber
/// usually holds, so rotating through it does not reset anything. Behind a reverse proxy every request seems to come from
/// the proxy unless forwarded headers are enabled (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, docs/configuration.md).
/// </summary>
internal static class SourceAddress
{
    public const string Unknown = "unknown";

    public static string Of(HttpContext? http) => Of(http?.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address)) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
