using System.Diagnostics;
using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

[Collection(ScriptWorkerCollection.Name)]
public sealed class ScriptWorkerPoolTests(ScriptWorkerPoolFixture fixture)
{
    [Fact]
    public async Task RunAsync_AllowedScript_ReturnsLogsActionsAndResult()
    {
        // Arrange
        const string source = """
            var words = Event.Process.CommandLine.Split(' ').Where(w => w.StartsWith("-")).ToList();
            Log($"{Event.Process.Name} on {Event.Device.Hostname}: {string.Join(",", words)}");
            if (Event.Severity == "CRITICAL" && Alert is not null)
                RequestAction("ISOLATE_DEVICE", Event.Device.Id, $"{Alert.Title} ({Organization.Name})");
            RequestAction("KILL_PROCESS", Event.Process.Pid.ToString(), "encoded command line");
            words.Count
            """;

        // Act
        var result = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job(source), CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["powershell.exe on LT-ALICE: -enc"], result.Logs);
        Assert.Equal(
            [
                new RequestedAction("ISOLATE_DEVICE", "dev-42", "Encoded PowerShell (Contoso)"),
                new RequestedAction("KILL_PROCESS", "4242", "encoded command line"),
            ],
            result.Actions);
        Assert.Equal("1", result.ReturnValue);
    }

    [Fact]
    public async Task RunAsync_SameSourceTwice_SecondRunHitsCompileCache()
    {
        // Arrange
        var source = $"Log(\"cache {Guid.NewGuid():N}\");";

        // Act
        var first = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job(source), CancellationToken.None);
        var second = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job(source), CancellationToken.None);

        // Assert
        Assert.True(first.Succeeded && second.Succeeded, first.Error ?? second.Error);
        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
    }

    [Fact]
    public async Task RunAsync_ScriptThrows_FailsWithExceptionAndKeepsWorker()
    {
        // Arrange
        var started = fixture.Pool.WorkersStarted;

        // Act
        var result = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job("throw new InvalidOperationException(\"no target\");"), CancellationToken.None);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal("script threw InvalidOperationException: no target", result.Error);
        Assert.Equal(started, fixture.Pool.WorkersStarted);
    }

    [Fact]
    public async Task RunAsync_RefusedScript_WorkerRechecksAndRefuses()
    {
        // Act
        var result = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job("System.IO.File.Delete(\"/tmp/x\");"), CancellationToken.None);

        // Assert
        Assert.False(result.Succeeded);
        Assert.StartsWith("refused: (1,1)", result.Error);
        Assert.Contains(result.Diagnostics, d => d.Symbol == "System.IO.File");
    }

    [Fact]
    public async Task Workers_Started_HaveEmptyEnvironmentAndOwnEmptyDirectory()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);
        var pid = fixture.Pool.WorkerProcessIds[0];

        // Act
        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var directory = new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: true)!.FullName;

        // Assert
        Assert.DoesNotContain(environment, v => v.StartsWith(ScriptWorkerPoolFixture.SecretVariable, StringComparison.Ordinal));
        Assert.Contains("DOTNET_GCHeapHardLimit=0x8000000", environment);
        Assert.True(environment.Length <= 16, string.Join(", ", environment));
        Assert.StartsWith("respond-script-", Path.GetFileName(directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [Fact]
    public async Task Dispose_Pool_KillsEveryWorker()
    {
        // Arrange
        var pool = new ScriptWorkerPool(new ScriptWorkerPoolOptions { Workers = 1 });
        await pool.WarmUpAsync(CancellationToken.None);
        var worker = Process.GetProcessById(Assert.Single(pool.WorkerProcessIds));

        // Act
        pool.Dispose();

        // Assert
        Assert.True(worker.WaitForExit(5000));
        Assert.Empty(pool.WorkerProcessIds);
    }

    [Fact]
    public void FindWorker_TestOutput_FindsWorkerNextToTests()
    {
        // Act
        var path = ScriptWorkerPoolOptions.FindWorker();

        // Assert
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, ScriptWorkerPoolOptions.WorkerFileName), path);
    }
}
