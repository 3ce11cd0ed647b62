using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Respond.LoadDriver;

/// <summary>
/// The already-built server as a child process in a fresh directory (its content root: database, keys), on a free
/// loopback port, configured only through environment variables.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string ClientId = "bench";
    public const string ClientSecret = "bench-client-secret-0123456789";

    private readonly Process _process;
    private readonly List<string> _errors = [];

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string serverDll, string directory, IReadOnlyList<string> organizations, IReadOnlyDictionary<string, string> extraEnvironment, TimeSpan startTimeout)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(serverDll);
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__Respond"] = "Data Source=" + Path.Combine(directory, "respond.db");
        env["Logging__LogLevel__Default"] = "Warning";
        for (var i = 0; i < organizations.Count; i++)
        {
            env[$"Respond__Bootstrap__Organizations__{i}__Id"] = organizations[i];
            env[$"Respond__Bootstrap__Organizations__{i}__Name"] = "Benchmark " + organizations[i];
        }
        env["Respond__Bootstrap__Clients__0__ClientId"] = ClientId;
        env["Respond__Bootstrap__Clients__0__ClientSecret"] = ClientSecret;
        env["Respond__Bootstrap__Clients__0__Roles__0"] = "Admin";
        env["Respond__Bootstrap__Clients__0__Organizations__0"] = "*";
        // A bootstrap user, so the server does not create (and print) a random admin.
        env["Respond__Bootstrap__Users__0__UserName"] = "bench-admin";
        env["Respond__Bootstrap__Users__0__Password"] = "bench-admin-password";
        env["Respond__Bootstrap__Users__0__Roles__0"] = "Admin";
        env["Respond__Bootstrap__Users__0__Organizations__0"] = "*";

        foreach (var (key, value) in extraEnvironment) env[key] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet " + serverDll);
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < startTimeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The server exited with {process.ExitCode} while starting:\n{server.Output}");
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"The server did not answer /healthz within {startTimeout}:\n{server.Output}");
    }

    public string Output
    {
        get
        {
            lock (_errors) return string.Join('\n', _errors.TakeLast(40));
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_errors)
        {
            _errors.Add(line);
            if (_errors.Count > 400) _errors.RemoveRange(0, 200);
        }
    }

    /// <summary>Resident set size and its high-water mark in MiB, from /proc/&lt;pid&gt;/status (Linux).</summary>
    public (double Rss, double Hwm) Memory() => ReadMemory(_process.Id);

    public static (double Rss, double Hwm) ReadMemory(int pid)
    {
        double rss = 0, hwm = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
            }
        }
        catch (IOException) { }
        return (rss, hwm);

        static double Kb(string line) =>
            double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>CPU time (user + system) the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>CPU time all <paramref name="servers"/> have used so far.</summary>
    public static TimeSpan CpuTime(IEnumerable<ServerProcess> servers) => servers.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.CpuTime());

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
