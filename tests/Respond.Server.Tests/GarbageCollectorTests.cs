namespace Respond.Server.Tests;

/// <summary>
/// The server runs the workstation garbage collector, whose pauses are short, not the server collector whose gen1 pauses
/// decided the alert latency's tail (docs/performance.md, twentieth session).
/// </summary>
public sealed class GarbageCollectorTests
{
    [Fact]
    public async Task ServerProcess_RunsWithoutTheServerCollectorsThreads()
    {
        var directory = Directory.CreateTempSubdirectory("respond-gc-").FullName;
        await using var server = await RespondServerProcess.StartAsync(directory);

        var threads = Directory.GetDirectories($"/proc/{server.ProcessId}/task").Select(NameOf).OfType<string>().ToList();
        Assert.Contains(".NET Finalizer", threads); // the names read are the runtime's
        Assert.DoesNotContain(".NET Server GC", threads);
    }

    // Null for a thread that ended after the directory was listed (the thread pool's come and go).
    private static string? NameOf(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
        catch (IOException) { return null; }
    }
}
