namespace Respond.Agent;

/// <summary>
/// Command line (<c>--server URL</c>...) or environment (<c>RESPOND_SERVER_URL</c>...); the command line wins.
/// docs/agent-protocol.md lists them all.
/// </summary>
public sealed record AgentOptions(
    Uri? ServerUrl,
    string? EnrollmentToken,
    string CredentialsFile,
    string DeviceId,
    string Hostname,
    string WorkDirectory,
    IReadOnlyList<string> AllowedRoots,
    TimeSpan HeartbeatInterval)
{
    public static AgentOptions Parse(string[] args, Func<string, string?> env)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Unexpected argument '{args[i]}': use --name value.");
            var name = args[i][2..];
            if (!Known.Contains(name)) throw new ArgumentException($"Unknown option --{name}.");
            (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(args[++i]);
        }
        string? Get(string name, string variable) => values.TryGetValue(name, out var v) ? v[^1] : env(variable);

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var server = Get("server", "RESPOND_SERVER_URL");
        Uri? serverUrl = null;
        if (server is not null && (!Uri.TryCreate(server, UriKind.Absolute, out serverUrl) || serverUrl.Scheme is not ("http" or "https")))
            throw new ArgumentException("--server must be an http(s) URL, e.g. https://respond.example.com/.");
        var workDirectory = Path.GetFullPath(Get("work-dir", "RESPOND_AGENT_WORK_DIR") ?? Path.Combine(home, ".local", "share", "respond-agent"));
        var roots = values.TryGetValue("allowed-root", out var r) ? r
            : env("RESPOND_ALLOWED_ROOTS")?.Split(':', StringSplitOptions.RemoveEmptyEntries).ToList()
            ?? [home, "/tmp"];
        var heartbeat = int.TryParse(Get("heartbeat-seconds", "RESPOND_HEARTBEAT_SECONDS"), out var seconds) && seconds is >= 1 and <= 300 ? seconds : 15;
        return new AgentOptions(
            serverUrl,
            Get("token", "RESPOND_ENROLL_TOKEN"),
            Path.GetFullPath(Get("credentials", "RESPOND_AGENT_CREDENTIALS") ?? Path.Combine(workDirectory, "credentials.json")),
            Get("device-id", "RESPOND_DEVICE_ID") ?? DefaultDeviceId(),
            Get("hostname", "RESPOND_HOSTNAME") ?? Environment.MachineName,
            workDirectory,
            roots.Select(root => Path.GetFullPath(root)).ToList(),
            TimeSpan.FromSeconds(heartbeat));
    }

    private static readonly HashSet<string> Known =
        ["server", "token", "credentials", "device-id", "hostname", "work-dir", "allowed-root", "heartbeat-seconds"];

    /// <summary>systemd's machine id is stable across reboots and host renames; the host name is the fallback.</summary>
    private static string DefaultDeviceId()
    {
        try
        {
            var id = File.ReadAllText("/etc/machine-id").Trim();
            if (id.Length > 0) return id;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.MachineName;
    }
}
