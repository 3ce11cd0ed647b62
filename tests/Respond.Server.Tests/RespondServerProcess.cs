using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests;

/// <summary>
/// The built server as a real child process on a data directory of its own (SQLite file, keys), so a test can kill it
/// with SIGKILL and start it again on the same files: what an operator's crash does, which no in-process host can.
/// </summary>
public sealed class RespondServerProcess : IAsyncDisposable
{
    public const string ClientId = "crash-test";
    public const string ClientSecret = "crash-test-secret-0123456789";
    private readonly Process _process;
    private readonly List<string> _output = [];

    private RespondServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "respond.db");

    public string DataDirectory { get; private init; } = "";

    public static async Task<RespondServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var info = StartInfo(dataDirectory, port, settings);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        var server = new RespondServerProcess(process, new Uri($"http://127.0.0.1:{port}/")) { DataDirectory = dataDirectory };
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            catch (System.Net.Sockets.SocketException) { } // a connection accepted and dropped while the process starts
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The server did not start:\n" + server.Output);
    }

    /// <summary>Starts the server and waits for it to end by itself (a start that must fail): its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunUntilExitAsync(string dataDirectory, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        using var process = Process.Start(StartInfo(dataDirectory, port, settings)) ?? throw new InvalidOperationException("Could not start the server.");
        List<string> output = [];
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The server kept running:\n" + string.Join('\n', output));
        }
        lock (output) return (process.ExitCode, [.. output]);
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, int port, IReadOnlyDictionary<string, string>? settings)
    {
        var dll = Path.Combine(RepoRoot(), "server", "Respond.Server", "bin", Configuration, "net10.0", "Respond.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the server first: {dll} is missing.");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = dataDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__Respond"] = "Data Source=" + Path.Combine(dataDirectory, "respond.db");
        env["Logging__LogLevel__Default"] = "Warning";
        env["Respond__Bootstrap__Organizations__0__Id"] = "org-a";
        env["Respond__Bootstrap__Organizations__0__Name"] = "Alpha";
        env["Respond__Bootstrap__Organizations__1__Id"] = "org-b";
        env["Respond__Bootstrap__Organizations__1__Name"] = "Bravo";
        env["Respond__Bootstrap__Clients__0__ClientId"] = ClientId;
        env["Respond__Bootstrap__Clients__0__ClientSecret"] = ClientSecret;
        env["Respond__Bootstrap__Clients__0__Roles__0"] = "Admin";
        env["Respond__Bootstrap__Clients__0__Roles__1"] = "Ingestor";
        env["Respond__Bootstrap__Clients__0__Organizations__0"] = "*";
        env["Respond__Bootstrap__Users__0__UserName"] = "crash-admin";
        env["Respond__Bootstrap__Users__0__Password"] = "crash-admin-password";
        env["Respond__Bootstrap__Users__0__Roles__0"] = "Admin";
        env["Respond__Bootstrap__Users__0__Organizations__0"] = "*";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        return info;
    }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(60)); }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 400) _output.RemoveRange(0, 200);
        }
    }

    public int ProcessId => _process.Id;

    /// <summary>SIGTERM, as a service manager stops it; true when the process exited within <paramref name="within"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan within)
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException("Could not send SIGTERM to the server.");
        using var limit = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<HttpClient> ClientAsync()
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        var token = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = ClientSecret,
        }));
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>());
        return http;
    }

    public static async Task<JsonObject> GraphQLAsync(HttpClient http, string query, object? variables = null)
    {
        var response = await http.PostAsJsonAsync("graphql", new { query, variables });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (body["errors"] is JsonArray { Count: > 0 } errors) throw new InvalidOperationException(errors.ToJsonString());
        return body["data"]!.AsObject();
    }

    /// <summary>Creates an ALERT_ONLY rule of <paramref name="definition"/> for every organization (or those named) and activates it; its id.</summary>
    public static async Task<string> CreateActiveRuleAsync(HttpClient http, string name, string definition, params string[] organizationIds)
    {
        var created = await GraphQLAsync(http, "mutation($n: String!, $d: JSON!, $o: [ID!]) { createRule(input: { name: $n, outcome: ALERT_ONLY, organizationIds: $o, definition: $d }) { rule { id } } }",
            new { n = name, d = JsonDocument.Parse(definition).RootElement, o = organizationIds.Length == 0 ? null : organizationIds });
        var id = created["createRule"]!["rule"]!["id"]!.GetValue<string>();
        await GraphQLAsync(http, "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id });
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static string Configuration =>
        typeof(RespondServerProcess).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Respond.sln"))) return dir.FullName;
        throw new InvalidOperationException("Respond.sln not found above the test assembly.");
    }
}
