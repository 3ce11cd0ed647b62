using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>
/// What the OS adds around a worker, proved on real workers and on a shell started exactly as a worker is (same user,
/// namespaces, mounts and limits), so that the proof does not rest on the allow-list (which already refuses sockets and
/// files). This machine runs the tests as root, so every layer is exercised for real; where a layer is absent the test
/// asserts that the gap is named instead.
/// </summary>
[Collection(ScriptWorkerCollection.Name)]
public sealed class ScriptWorkerConfinementTests(ScriptWorkerPoolFixture fixture)
{
    private static readonly bool Root = Environment.IsPrivilegedProcess;

    [Fact]
    public void Detect_RootOnLinuxWithUtilLinux_EveryLayerHolds()
    {
        // Act
        var confinement = fixture.Pool.Confinement;

        // Assert
        Assert.True(OperatingSystem.IsLinux(), "the workers' OS confinement is Linux-only");
        Assert.True(confinement.ResourceLimits, confinement.Describe());
        Assert.True(confinement.NoNetwork, confinement.Describe());
        Assert.True(confinement.ReadOnlyFileSystem, confinement.Describe());
        Assert.True(confinement.Seccomp, confinement.Describe());
        if (Root)
        {
            Assert.True(confinement.SeparateUser, confinement.Describe());
            Assert.Equal("nobody", confinement.User);
            Assert.Empty(confinement.Gaps);
        }
        else
        {
            Assert.Contains(confinement.Gaps, g => g.Contains("does not run as root", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Worker_Started_RunsAsTheUnprivilegedUserWithoutCapabilities()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);
        var pid = fixture.Pool.WorkerProcessIds[0];

        // Act
        var status = Status(pid);

        // Assert
        var uid = Root ? fixture.Pool.Confinement.UserId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (uid is not null)
        {
            Assert.NotEqual("0", uid);
            Assert.Equal($"{uid}\t{uid}\t{uid}\t{uid}", status["Uid"]);
            Assert.Equal("", status["Groups"]);
        }
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapBnd"]);
        Assert.Equal("1", status["NoNewPrivs"]);
    }

    [Fact]
    public async Task Worker_Started_HasItsSystemCallFilterInstalledAndProven()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);
        var pid = fixture.Pool.WorkerProcessIds[0];

        // Act
        var status = Status(pid);

        // Assert: mode 2 is a seccomp filter; "on" means the worker's own socket() after installing it was refused
        Assert.Equal("2", status["Seccomp"]);
        Assert.Equal("on", fixture.Pool.WorkerSeccomp);
    }

    [Fact]
    public async Task Worker_Started_LivesInItsOwnNetworkAndMountNamespaces()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);
        var pid = fixture.Pool.WorkerProcessIds[0];

        // Act
        var network = new FileInfo($"/proc/{pid}/ns/net").ResolveLinkTarget(false)!.ToString();
        var mounts = new FileInfo($"/proc/{pid}/ns/mnt").ResolveLinkTarget(false)!.ToString();
        var root = File.ReadLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == "/");

        // Assert
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").ResolveLinkTarget(false)!.ToString(), network);
        Assert.NotEqual(new FileInfo("/proc/self/ns/mnt").ResolveLinkTarget(false)!.ToString(), mounts);
        Assert.Contains("ro", root[5].Split(','));
    }

    [Fact]
    public async Task Worker_Started_HasCpuProcessAndFileSizeLimits()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);
        var pid = fixture.Pool.WorkerProcessIds[0];

        // Act
        var limits = File.ReadAllLines($"/proc/{pid}/limits");

        // Assert
        Assert.Contains(limits, l => l.StartsWith("Max cpu time", StringComparison.Ordinal) && l.Contains(" 600 ", StringComparison.Ordinal));
        Assert.Contains(limits, l => l.StartsWith("Max processes", StringComparison.Ordinal) && l.Contains(" 1024 ", StringComparison.Ordinal));
        Assert.Contains(limits, l => l.StartsWith("Max file size", StringComparison.Ordinal) && l.Contains(" 16777216 ", StringComparison.Ordinal));
        Assert.Contains(limits, l => l.StartsWith("Max core file size", StringComparison.Ordinal) && l.Contains(" 0 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfinedProcess_ConnectToListenerOnLoopback_CannotConnect()
    {
        // Arrange: a listener in this (unconfined) process, where a worker without its own namespace would reach it
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // Act
        var (code, output) = await RunConfinedAsync($"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected || echo refused");

        // Assert
        Assert.Equal(0, code);
        Assert.Contains("refused", output, StringComparison.Ordinal);
        Assert.DoesNotContain("connected", output.Replace("refused", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task ConfinedProcess_WriteOutsideItsDirectory_Refused_InsideAllowed()
    {
        // Arrange: places a worker as the server's user could write to
        var outside = new[] { Path.GetTempPath(), AppContext.BaseDirectory, "/dev/shm" }
            .Select(d => Path.Combine(d, $"respond-confinement-{Guid.NewGuid():N}")).ToList();
        var script = string.Join("; ", outside.Select(p => $"(echo x > '{p}') 2>/dev/null && echo wrote:{p}"))
            + "; echo x > \"$HOME/inside\" && echo wrote-inside; id -u";

        // Act
        var (code, output) = await RunConfinedAsync(script);

        // Assert
        Assert.Equal(0, code);
        Assert.Contains("wrote-inside", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrote:", output, StringComparison.Ordinal);
        Assert.All(outside, p => Assert.False(File.Exists(p), p));
        if (Root) Assert.Equal(fixture.Pool.Confinement.UserId.ToString(), output.Trim().Split('\n')[^1]);
    }

    /// <summary>Runs <paramref name="script"/> with bash, confined exactly as a worker is (its own temporary directory as HOME).</summary>
    private async Task<(int Code, string Output)> RunConfinedAsync(string script)
    {
        var directory = Directory.CreateTempSubdirectory("respond-script-").FullName;
        try
        {
            var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/bin:/bin";
            start.Environment["HOME"] = directory;
            fixture.Pool.Confinement.Apply(start, fixture.Options, directory);
            Assert.NotEqual("/bin/bash", start.FileName);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            return (process.ExitCode, output + (process.ExitCode == 0 ? "" : error));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
}
