using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>
/// A Respond host on a real port (Kestrel on 127.0.0.1) and the real agent process (agent/Respond.Agent, built by
/// <c>dotnet build Respond.sln</c>) enrolled in org-a and connected to it. Files the agent may touch live in
/// <see cref="AllowedRoot"/>; <see cref="Outside"/> is a sibling directory it must never touch.
/// </summary>
public sealed class RealAgentFixture : IAsyncLifetime
{
    public RespondApiFixture Api { get; } = new RespondApiFixture().With("Respond:Actions:VerificationDelay", "00:00:01");
    public string DeviceId { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..8];
    public string Root { get; } = Directory.CreateTempSubdirectory("respond-agent-e2e-").FullName;
    public string AllowedRoot => Path.Combine(Root, "allowed");
    public string Outside => Path.Combine(Root, "outside");
    public string WorkDirectory => Path.Combine(Root, "work");
    public Process? Agent { get; private set; }

    /// <summary>The host's real address, e.g. http://127.0.0.1:41234.</summary>
    public string Address { get; private set; } = "";
    private readonly StringBuilder _log = new();

    /// <summary>What the agent printed, for failure messages.</summary>
    public string AgentLog
    {
        get { lock (_log) return _log.ToString(); }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(AllowedRoot);
        Directory.CreateDirectory(Outside);
        Api.UseKestrel(0);
        Api.StartServer();
        Address = Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var token = await AgentTestSupport.CreateTokenAsync(Api);
        var address = Address;

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            AgentDll(), "--server", address, "--token", token, "--device-id", DeviceId, "--hostname", "e2e-host",
            "--work-dir", WorkDirectory, "--allowed-root", AllowedRoot, "--heartbeat-seconds", "2",
        }) start.ArgumentList.Add(argument);
        Agent = Process.Start(start)!;
        Agent.OutputDataReceived += (_, e) => Append(e.Data);
        Agent.ErrorDataReceived += (_, e) => Append(e.Data);
        Agent.BeginOutputReadLine();
        Agent.BeginErrorReadLine();

        await AgentTestSupport.WaitUntilAsync(
            () => Agent.HasExited || AgentTestSupport.Registry(Api).Find("org-a", DeviceId) is not null, "the agent connects", TimeSpan.FromSeconds(60));
        if (Agent.HasExited) throw new Xunit.Sdk.XunitException($"The agent exited with {Agent.ExitCode}:\n{AgentLog}");
    }

    public async Task DisposeAsync()
    {
        if (Agent is { HasExited: false }) Agent.Kill(entireProcessTree: true);
        if (Agent is not null) await Agent.WaitForExitAsync();
        Agent?.Dispose();
        await Api.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>agent/Respond.Agent's build output of the same configuration as these tests.</summary>
    private static string AgentDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Respond.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "agent", "Respond.Agent", "bin", configuration, framework, "Respond.Agent.dll");
            return File.Exists(dll) ? dll : throw new Xunit.Sdk.XunitException($"{dll} is missing: run dotnet build Respond.sln first.");
        }
        throw new Xunit.Sdk.XunitException("Respond.sln not found above " + AppContext.BaseDirectory);
    }
}
