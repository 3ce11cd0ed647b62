using System.Diagnostics;
using Respond.Workflows.Scripting;
using Xunit.Abstractions;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>
/// The hostile corpus (HostileCorpus/&lt;category&gt;/*.csx): each script is refused by the static check with a
/// diagnostic naming the symbol, or contained by the worker within its limits with a clear error; afterwards the
/// test process (standing in for the server) still works and has not grown.
/// </summary>
[Collection(ScriptWorkerCollection.Name)]
[TestCaseOrderer(AfterCorpusOrderer.TypeName, AfterCorpusOrderer.AssemblyName)]
public sealed class HostileCorpusTests(ScriptWorkerPoolFixture fixture, ITestOutputHelper output)
{
    private const string Folder = "HostileCorpus";

    public static TheoryData<string> Corpus => ScriptCorpusEntry.Names(Folder);

    [Fact]
    public void Corpus_Size_CoversEveryCategory()
    {
        // Arrange
        string[] categories =
        [
            "FileSystem", "Network", "Processes", "EnvironmentAndSecrets", "ReflectionAndDynamic", "AssemblyLoading",
            "UnsafeAndPInvoke", "ThreadsAndTimers", "ResourceExhaustion", "Directives", "Aliases", "Generics", "UsingStatic", "Attributes",
        ];

        // Act
        var names = ScriptCorpusEntry.Files(Folder).Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "Scripting", Folder), f)).ToList();

        // Assert
        Assert.True(names.Count >= 60, $"{names.Count} scripts");
        Assert.All(categories, c => Assert.Contains(names, n => n.StartsWith(c + "/", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Corpus_HostileScript_IsRefusedOrContained(string name)
    {
        // Arrange
        var entry = ScriptCorpusEntry.Load(Folder, name);

        // Act
        var diagnostics = ScriptChecker.Check(entry.Source, ScriptKind.RunScript);
        var result = ScriptChecker.Passes(diagnostics)
            ? await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job(entry.Source), CancellationToken.None)
            : null;

        // Assert
        if (result is null)
        {
            output.WriteLine(string.Join("\n", diagnostics));
            Assert.Contains(diagnostics, d => d.IsError && d.Line >= 1 && d.Column >= 1 && (entry.Matches(d.Symbol) || entry.Matches(d.Message)));
        }
        else
        {
            output.WriteLine($"{result.Error} after {result.Duration.TotalMilliseconds:0} ms");
            Assert.False(result.Succeeded);
            Assert.True(entry.Matches(result.Error), result.Error);
            // Stopped, not run to completion; the limit itself is named in the error. Room for a saturated machine.
            Assert.InRange(result.Duration, TimeSpan.Zero, fixture.Options.TimeLimit + TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    [RunsLast]
    public async Task Host_AfterWholeCorpus_StillWorksWithoutGrowing()
    {
        // Arrange
        await fixture.Pool.WarmUpAsync(CancellationToken.None);

        // Act
        var run = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job("Log(Organization.Name); 1 + 1"), CancellationToken.None);
        var check = ScriptChecker.Check("Log(Event.User.Id);", ScriptKind.RunScript);
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var workingSet = Process.GetCurrentProcess().WorkingSet64;

        // Assert
        output.WriteLine($"managed {fixture.BaselineManagedBytes / 1048576} → {managed / 1048576} MiB, working set {fixture.BaselineWorkingSetBytes / 1048576} → {workingSet / 1048576} MiB, workers started {fixture.Pool.WorkersStarted}");
        Assert.True(run.Succeeded, run.Error);
        Assert.Equal("2", run.ReturnValue);
        Assert.True(ScriptChecker.Passes(check));
        Assert.Equal(fixture.Options.Workers, fixture.Pool.WorkerProcessIds.Count);
        Assert.InRange(managed - fixture.BaselineManagedBytes, long.MinValue, 64L * 1024 * 1024);
        Assert.InRange(workingSet - fixture.BaselineWorkingSetBytes, long.MinValue, 384L * 1024 * 1024);
    }
}
