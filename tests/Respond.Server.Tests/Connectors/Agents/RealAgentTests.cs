using System.Diagnostics;
using System.Security.Cryptography;
using Respond.Server.Connectors;
using Respond.Workflows;
using static Respond.Server.Tests.Connectors.Agents.AgentTestSupport;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>The ENDPOINT_AGENT connector driving the real reference agent process over a real socket.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealAgentTests(RealAgentFixture agent) : IClassFixture<RealAgentFixture>
{
    private IConnector Connector => AgentTestSupport.Connector(agent.Api);

    private static Process StartSleep()
    {
        var sleep = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        Assert.False(sleep.HasExited);
        return sleep;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
    }

    private string NewFile(string directory, UnixFileMode mode)
    {
        var path = Path.Combine(directory, "payload-" + Guid.NewGuid().ToString("N")[..8] + ".sh");
        File.WriteAllText(path, "#!/bin/sh\necho pwned\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    [Fact]
    public async Task KillProcess_RealSleepProcess_KilledAndVerificationPasses()
    {
        var sleep = StartSleep();
        try
        {
            var command = Command(ResponseActionType.KillProcess, agent.DeviceId, processId: sleep.Id);

            var outcome = await Connector.ExecuteAsync(command, Settings(), CancellationToken.None);

            var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
            Assert.True(sleep.WaitForExit(TimeSpan.FromSeconds(10)), "sleep still runs");
            Assert.Equal(sleep.Id, done.Facts!["pid"]!.GetValue<int>());
            Assert.NotNull(done.Facts["startTime"]);
            var verification = await Connector.VerifyAsync(command, done.Facts, Settings(), CancellationToken.None);
            Assert.True(verification.Passed, verification.Details);
        }
        finally
        {
            Stop(sleep);
        }
    }

    [Fact]
    public async Task VerifyKillProcess_ProcessStillRunning_Fails()
    {
        var sleep = StartSleep();
        try
        {
            var command = Command(ResponseActionType.KillProcess, agent.DeviceId, processId: sleep.Id);

            var verification = await Connector.VerifyAsync(command, null, Settings(), CancellationToken.None);

            Assert.False(verification.Passed);
            Assert.Contains("still running", verification.Details);
            Assert.False(sleep.HasExited);
        }
        finally
        {
            Stop(sleep);
        }
    }

    [Fact]
    public async Task KillProcess_ExpectedStartTimeDiffers_RefusedAndProcessLives()
    {
        var sleep = StartSleep();
        try
        {
            var command = Command(ResponseActionType.KillProcess, agent.DeviceId, processId: sleep.Id, parameters: new() { ["startTime"] = "1" });

            var outcome = await Connector.ExecuteAsync(command, Settings(), CancellationToken.None);

            var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
            Assert.False(failed.Transient);
            Assert.Contains("different process", failed.Reason);
            Assert.False(sleep.HasExited);
        }
        finally
        {
            Stop(sleep);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task KillProcess_InitOrInvalidPid_RefusedPermanently(int pid)
    {
        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.KillProcess, agent.DeviceId, processId: pid), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.StartsWith("refused", failed.Reason);
    }

    [Fact]
    public async Task KillProcess_AgentsOwnPid_RefusedAndAgentStaysConnected()
    {
        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.KillProcess, agent.DeviceId, processId: agent.Agent!.Id), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("the agent itself", failed.Reason);
        Assert.False(agent.Agent.HasExited);
    }

    [Fact]
    public async Task QuarantineFile_ExecutableInAllowedRoot_MovedNotExecutableAndVerificationPasses()
    {
        var path = NewFile(agent.AllowedRoot, Executable);
        var sha256 = Sha256(path);
        var command = Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: path, fileSha256: sha256);

        var outcome = await Connector.ExecuteAsync(command, Settings(), CancellationToken.None);

        var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        var quarantined = done.Facts!["quarantinedPath"]!.GetValue<string>();
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(quarantined));
        Assert.StartsWith(agent.WorkDirectory, quarantined);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(quarantined) & AnyExecute);
        Assert.Equal(sha256, done.Facts["sha256"]!.GetValue<string>());
        Assert.Equal(path, done.Facts["originalPath"]!.GetValue<string>());
        Assert.Equal("0755", done.Facts["originalMode"]!.GetValue<string>());
        var verification = await Connector.VerifyAsync(command, done.Facts, Settings(), CancellationToken.None);
        Assert.True(verification.Passed, verification.Details);
    }

    [Fact]
    public async Task RestoreFile_AfterQuarantine_BackWithContentAndModeAndVerificationPasses()
    {
        var path = NewFile(agent.AllowedRoot, Executable);
        var sha256 = Sha256(path);
        var quarantined = await Connector.ExecuteAsync(Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: path), Settings(), CancellationToken.None);
        Assert.IsType<ExecutionOutcome.Succeeded>(quarantined);
        var restore = Command(ResponseActionType.RestoreFile, agent.DeviceId, filePath: path);

        var outcome = await Connector.ExecuteAsync(restore, Settings(), CancellationToken.None);

        var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        Assert.True(File.Exists(path));
        Assert.Equal(sha256, Sha256(path));
        Assert.Equal(Executable, File.GetUnixFileMode(path));
        var verification = await Connector.VerifyAsync(restore, done.Facts, Settings(), CancellationToken.None);
        Assert.True(verification.Passed, verification.Details);
    }

    [Fact]
    public async Task VerifyQuarantine_FileRestoredMeanwhile_Fails()
    {
        var path = NewFile(agent.AllowedRoot, Executable);
        var command = Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: path);
        var done = Assert.IsType<ExecutionOutcome.Succeeded>(await Connector.ExecuteAsync(command, Settings(), CancellationToken.None));
        File.WriteAllText(path, "back again");

        var verification = await Connector.VerifyAsync(command, done.Facts, Settings(), CancellationToken.None);

        Assert.False(verification.Passed);
        Assert.Contains("exists again", verification.Details);
    }

    [Fact]
    public async Task QuarantineFile_Sha256Differs_RefusedAndFileStays()
    {
        var path = NewFile(agent.AllowedRoot, Executable);

        var outcome = await Connector.ExecuteAsync(
            Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: path, fileSha256: new string('0', 64)), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("not the expected", failed.Reason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task QuarantineFile_OutsideAllowedRoots_RefusedAndFileStays()
    {
        var path = NewFile(agent.Outside, Executable);

        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: path), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("outside the allowed roots", failed.Reason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task QuarantineFile_DotDotOutOfAllowedRoot_RefusedAndFileStays()
    {
        var path = NewFile(agent.Outside, Executable);
        var sneaky = Path.Combine(agent.AllowedRoot, "..", "outside", Path.GetFileName(path));

        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: sneaky), Settings(), CancellationToken.None);

        Assert.Contains("outside the allowed roots", Assert.IsType<ExecutionOutcome.Failed>(outcome).Reason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task QuarantineFile_ThroughSymlinkedDirectoryToOutside_RefusedAndFileStays()
    {
        var path = NewFile(agent.Outside, Executable);
        var link = Path.Combine(agent.AllowedRoot, "link-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateSymbolicLink(link, agent.Outside);

        var outcome = await Connector.ExecuteAsync(
            Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: Path.Combine(link, Path.GetFileName(path))), Settings(), CancellationToken.None);

        Assert.Contains("outside the allowed roots", Assert.IsType<ExecutionOutcome.Failed>(outcome).Reason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task QuarantineFile_SystemFile_Refused()
    {
        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: "/etc/hostname"), Settings(), CancellationToken.None);

        Assert.Contains("outside the allowed roots", Assert.IsType<ExecutionOutcome.Failed>(outcome).Reason);
    }

    [Fact]
    public async Task QuarantineFile_Fifo_RefusedAsNotARegularFile()
    {
        var fifo = Path.Combine(agent.AllowedRoot, "fifo-" + Guid.NewGuid().ToString("N")[..6]);
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();

        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.QuarantineFile, agent.DeviceId, filePath: fifo), Settings(), CancellationToken.None);

        Assert.Contains("not a regular file", Assert.IsType<ExecutionOutcome.Failed>(outcome).Reason);
    }

    [Fact]
    public async Task CollectForensics_OwnSleepProcess_ArchiveReportedAndVerified()
    {
        var sleep = StartSleep();
        try
        {
            var command = Command(ResponseActionType.CollectForensics, agent.DeviceId, processId: sleep.Id);

            var done = Assert.IsType<ExecutionOutcome.Succeeded>(await Connector.ExecuteAsync(command, Settings(), CancellationToken.None));

            var archive = done.Facts!["archivePath"]!.GetValue<string>();
            Assert.True(File.Exists(archive));
            Assert.Equal(Sha256(archive), done.Facts["sha256"]!.GetValue<string>());
            var verification = await Connector.VerifyAsync(command, done.Facts, Settings(), CancellationToken.None);
            Assert.True(verification.Passed, verification.Details);
        }
        finally
        {
            Stop(sleep);
        }
    }

    [Fact]
    public async Task Execute_TypeOutsideCapabilities_PermanentFailureWithoutAskingTheAgent()
    {
        var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn, agent.DeviceId), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
    }

    [Fact]
    public async Task Agents_RealAgentConnected_ListedAsConnectedAndSeen()
    {
        var response = await agent.Api.GraphQLAsync("viewer-a", "{ agents(organizationId: \"org-a\") { deviceId hostname connected lastSeenAt } }");

        var listed = response.At("data.agents").AsArray().Single(a => a!.Str("deviceId") == agent.DeviceId)!;
        Assert.Equal("e2e-host", listed.Str("hostname"));
        Assert.True(listed.At("connected").GetValue<bool>());
        Assert.NotNull(listed["lastSeenAt"]);
    }

    [Fact]
    public async Task Channel_DroppedByServer_AgentReconnectsAndStillActs()
    {
        var registry = Registry(agent.Api);
        var before = registry.Find("org-a", agent.DeviceId)!;

        before.Abort();

        await WaitUntilAsync(() => registry.Find("org-a", agent.DeviceId) is { } now && now != before, "the agent reconnects", TimeSpan.FromSeconds(30));
        var sleep = StartSleep();
        try
        {
            var outcome = await Connector.ExecuteAsync(Command(ResponseActionType.KillProcess, agent.DeviceId, processId: sleep.Id), Settings(), CancellationToken.None);
            Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        }
        finally
        {
            Stop(sleep);
        }
    }

    [Fact]
    public async Task Heartbeats_WhileConnected_LastSeenAtAdvances()
    {
        async Task<DateTimeOffset> LastSeenAsync()
        {
            var response = await agent.Api.GraphQLAsync("viewer-a", "{ agents(organizationId: \"org-a\") { deviceId lastSeenAt } }");
            return DateTimeOffset.Parse(response.At("data.agents").AsArray().Single(a => a!.Str("deviceId") == agent.DeviceId)!.Str("lastSeenAt"),
                System.Globalization.CultureInfo.InvariantCulture);
        }
        var first = await LastSeenAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var later = first;
        while (later <= first && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            later = await LastSeenAsync();
        }

        Assert.True(later > first, $"lastSeenAt stayed at {first:O}");
    }

    [Fact]
    public async Task TestConnection_EndpointAgentWithConnectedAgent_Healthy()
    {
        await agent.Api.GraphQLAsync("admin-a", "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: ENDPOINT_AGENT }) { errors { code } } }");

        var tested = await agent.Api.GraphQLAsync("admin-a",
            "mutation { testConnection(input: { organizationId: \"org-a\", connector: ENDPOINT_AGENT }) { organization { connectionStatus connections { lastError } } errors { code } } }");

        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
    }
}
