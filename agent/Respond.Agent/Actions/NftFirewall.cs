using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Respond.Agent.Actions;

/// <summary>
/// BLOCK_IP/UNBLOCK_IP and ISOLATE_DEVICE/UNISOLATE_DEVICE with nftables, in tables of the agent's own
/// (<c>inet respond_agent</c>, <c>inet respond_isolation</c>) so nothing else on the host is edited. Needs root and nft;
/// without them every command is answered "not supported" (a permanent failure). Addresses are parsed before use and
/// written in their canonical form, so no text from a command reaches nft unchecked.
/// </summary>
public sealed class NftFirewall(Uri serverUrl)
{
    private const string BlockTable = "respond_agent";
    private const string IsolationTable = "respond_isolation";

    private readonly string? _nft = Environment.IsPrivilegedProcess ? ExternalProgram.Find("/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft") : null;

    private const string NotSupported = "not supported: needs root/nftables (run the agent as root on a host with nft).";

    public async Task<Answer> BlockAsync(Command command, CancellationToken ct)
    {
        if (_nft is null) return Answer.Failed(NotSupported);
        if (Address(command) is not { } ip) return Answer.Failed($"refused: '{command.Target.Ip}' is not an IP address.");
        if (IPAddress.IsLoopback(ip)) return Answer.Failed($"refused: {ip} is a loopback address.");
        if (IsServer(ip)) return Answer.Failed($"refused: {ip} is the Respond server; blocking it would cut the agent off.");
        if (await EnsureBlockTableAsync(ct) is { } error) return Answer.Failed(error);
        var run = await NftAsync(["add", "element", "inet", BlockTable, SetOf(ip), "{ " + ip + " }"], ct);
        return run.ExitCode == 0
            ? Answer.Done($"Blocked traffic to and from {ip} (nft set inet {BlockTable} {SetOf(ip)}).", new JsonObject { ["ip"] = ip.ToString(), ["table"] = BlockTable, ["set"] = SetOf(ip) })
            : Answer.Failed($"nft refused to block {ip}: {run.Error}");
    }

    public async Task<Answer> UnblockAsync(Command command, CancellationToken ct)
    {
        if (_nft is null) return Answer.Failed(NotSupported);
        if (Address(command) is not { } ip) return Answer.Failed($"refused: '{command.Target.Ip}' is not an IP address.");
        if (!await IsBlockedAsync(ip, ct)) return Answer.Done($"{ip} was not blocked by the agent.", new JsonObject { ["ip"] = ip.ToString() });
        var run = await NftAsync(["delete", "element", "inet", BlockTable, SetOf(ip), "{ " + ip + " }"], ct);
        return run.ExitCode == 0 ? Answer.Done($"Unblocked {ip}.", new JsonObject { ["ip"] = ip.ToString() }) : Answer.Failed($"nft refused to unblock {ip}: {run.Error}");
    }

    public async Task<Answer> VerifyBlockedAsync(Command command, bool shouldBeBlocked, CancellationToken ct)
    {
        if (_nft is null) return Answer.Unverifiable(NotSupported);
        if (Address(command) is not { } ip) return Answer.Unverifiable($"cannot verify: '{command.Target.Ip}' is not an IP address.");
        var blocked = await IsBlockedAsync(ip, ct);
        return blocked == shouldBeBlocked
            ? Answer.Done(blocked ? $"{ip} is in the block set." : $"{ip} is not blocked.")
            : Answer.Failed(blocked ? $"{ip} is still blocked." : $"{ip} is not in the block set any more.");
    }

    /// <summary>Drops all traffic except loopback and the channel to the Respond server, so the agent can still undo it.</summary>
    public async Task<Answer> IsolateAsync(CancellationToken ct)
    {
        if (_nft is null) return Answer.Failed(NotSupported);
        var server = await ServerAddressesAsync(ct);
        if (server.Count == 0) return Answer.Failed($"cannot isolate: {serverUrl.Host} does not resolve, so the management channel could not be kept open.");
        var port = serverUrl.Port;
        var allowOut = string.Join("\n", server.Select(a => $"    {Family(a)} daddr {a} tcp dport {port} accept"));
        var allowIn = string.Join("\n", server.Select(a => $"    {Family(a)} saddr {a} tcp sport {port} accept"));
        var ruleset = $$"""
            table inet {{IsolationTable}} {
              chain output {
                type filter hook output priority -10; policy drop;
                oif "lo" accept
            {{allowOut}}
              }
              chain input {
                type filter hook input priority -10; policy drop;
                iif "lo" accept
            {{allowIn}}
              }
            }
            """;
        await NftAsync(["delete", "table", "inet", IsolationTable], ct); // a stale isolation is replaced, not merged
        var run = await ExternalProgram.RunAsync(_nft, ["-f", "-"], ruleset, ct);
        return run.ExitCode == 0
            ? Answer.Done($"Isolated: only {string.Join(", ", server)} port {port} (the Respond server) is reachable.",
                new JsonObject { ["table"] = IsolationTable, ["managementPort"] = port, ["managementAddresses"] = new JsonArray(server.Select(a => (JsonNode)a.ToString()).ToArray()) })
            : Answer.Failed($"nft refused the isolation ruleset: {run.Error}");
    }

    public async Task<Answer> UnisolateAsync(CancellationToken ct)
    {
        if (_nft is null) return Answer.Failed(NotSupported);
        if (!await TableExistsAsync(IsolationTable, ct)) return Answer.Done("The device was not isolated by the agent.");
        var run = await NftAsync(["delete", "table", "inet", IsolationTable], ct);
        return run.ExitCode == 0 ? Answer.Done("Network access restored.") : Answer.Failed($"nft refused to lift the isolation: {run.Error}");
    }

    public async Task<Answer> VerifyIsolatedAsync(bool shouldBeIsolated, CancellationToken ct)
    {
        if (_nft is null) return Answer.Unverifiable(NotSupported);
        var isolated = await TableExistsAsync(IsolationTable, ct);
        return isolated == shouldBeIsolated
            ? Answer.Done(isolated ? "The isolation ruleset is active." : "No isolation ruleset is active.")
            : Answer.Failed(isolated ? "The isolation ruleset is still active." : "The isolation ruleset is gone.");
    }

    private async Task<string?> EnsureBlockTableAsync(CancellationToken ct)
    {
        if (await TableExistsAsync(BlockTable, ct)) return null;
        var ruleset = $$"""
            table inet {{BlockTable}} {
              set blocked4 { type ipv4_addr; }
              set blocked6 { type ipv6_addr; }
              chain output {
                type filter hook output priority 0; policy accept;
                ip daddr @blocked4 drop
                ip6 daddr @blocked6 drop
              }
              chain input {
                type filter hook input priority 0; policy accept;
                ip saddr @blocked4 drop
                ip6 saddr @blocked6 drop
              }
            }
            """;
        var run = await ExternalProgram.RunAsync(_nft!, ["-f", "-"], ruleset, ct);
        return run.ExitCode == 0 ? null : $"nft refused the block table: {run.Error}";
    }

    private async Task<bool> IsBlockedAsync(IPAddress ip, CancellationToken ct) =>
        (await NftAsync(["get", "element", "inet", BlockTable, SetOf(ip), "{ " + ip + " }"], ct)).ExitCode == 0;

    private async Task<bool> TableExistsAsync(string table, CancellationToken ct) =>
        (await NftAsync(["list", "table", "inet", table], ct)).ExitCode == 0;

    private Task<ExternalProgram.Run> NftAsync(string[] arguments, CancellationToken ct) => ExternalProgram.RunAsync(_nft!, arguments, null, ct);

    private static IPAddress? Address(Command command) =>
        IPAddress.TryParse(command.Target.Ip, out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip)
            : null;

    private static string SetOf(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork ? "blocked4" : "blocked6";

    private static string Family(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork ? "ip" : "ip6";

    private bool IsServer(IPAddress ip) => IPAddress.TryParse(serverUrl.Host.Trim('[', ']'), out var server) && server.Equals(ip);

    private async Task<IReadOnlyList<IPAddress>> ServerAddressesAsync(CancellationToken ct)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(serverUrl.Host, ct);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}
