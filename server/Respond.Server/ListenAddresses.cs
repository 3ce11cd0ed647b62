using System.Net;
using System.Net.Sockets;

namespace Respond.Server;

/// <summary>
/// Checks, before anything touches the database, that every address the server is to listen on is free. Kestrel would
/// find out only when it binds, after migrations and demo seeding ran, and answer with a page of stack traces.
/// </summary>
public static class ListenAddresses
{
    /// <summary>Exit code of a server that did not start because an address is taken.</summary>
    public const int AddressInUseExitCode = 2;

    /// <summary>The first configured URL whose port another program holds; null when all are free.</summary>
    public static string? FirstTaken(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : RespondHost.DefaultUrls;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try { address = BindingAddress.Parse(url); }
            catch (FormatException) { continue; } // Kestrel refuses it itself, naming it
            if (address.IsNamedPipe || address.IsUnixPipe || address.Port == 0) continue;
            if (Addresses(address.Host).Any(ip => Taken(ip, address.Port))) return url;
        }
        return null;
    }

    /// <summary>Says what is wrong in one line on stderr and gives the exit code.</summary>
    public static int Refuse(string url)
    {
        Console.Error.WriteLine($"Respond did not start: {url} is already in use by another program. Stop it, or choose another address with --urls or ASPNETCORE_URLS.");
        return AddressInUseExitCode;
    }

    /// <summary>What Kestrel binds for a host: loopback for localhost, every interface for a wildcard or a name.</summary>
    private static IPAddress[] Addresses(string host) => host switch
    {
        "localhost" => [IPAddress.Loopback, IPAddress.IPv6Loopback],
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => [ip],
        _ => [IPAddress.Any, IPAddress.IPv6Any],
    };

    private static bool Taken(IPAddress ip, int port)
    {
        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel does: a port left in TIME_WAIT by an earlier run is free, one with a listener is not.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            socket.Listen();
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false; // e.g. no IPv6 on this machine: Kestrel skips that address too
        }
    }
}
