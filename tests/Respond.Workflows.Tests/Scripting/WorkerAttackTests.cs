using Respond.Workflows.Scripting;
using Xunit.Abstractions;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>
/// Attacks written to pass the static check (WorkerAttacks/*.csx): ordinary, allowed C# that loops, recurses,
/// allocates or floods. Only the worker's limits stop them, and these tests prove they do.
/// </summary>
[Collection(ScriptWorkerCollection.Name)]
public sealed class WorkerAttackTests(ScriptWorkerPoolFixture fixture, ITestOutputHelper output)
{
    private const string Folder = "WorkerAttacks";

    public static TheoryData<string> Attacks => ScriptCorpusEntry.Names(Folder);

    [Fact]
    public void Attacks_Count_IsAtLeastTen()
    {
        // Act
        var count = ScriptCorpusEntry.Files(Folder).Count();

        // Assert
        Assert.True(count >= 10, $"{count} attacks");
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Check_AttackOfOwn_PassesStaticCheck(string name)
    {
        // Arrange
        var entry = ScriptCorpusEntry.Load(Folder, name);

        // Act
        var diagnostics = ScriptChecker.Check(entry.Source, ScriptKind.RunScript);

        // Assert
        Assert.True(ScriptChecker.Passes(diagnostics), string.Join("\n", diagnostics));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task RunAsync_AttackOfOwn_IsContainedByWorker(string name)
    {
        // Arrange
        var entry = ScriptCorpusEntry.Load(Folder, name);

        // Act
        var result = await fixture.Pool.RunAsync(ScriptWorkerPoolFixture.Job(entry.Source), CancellationToken.None);

        // Assert
        output.WriteLine($"{result.Error} after {result.Duration.TotalMilliseconds:0} ms");
        Assert.False(result.Succeeded);
        Assert.True(entry.Matches(result.Error), result.Error);
        // The worker's own clock enforces the time limit (the error names it); this bound only proves the attack was
        // stopped rather than run to completion, with room for a machine saturated by parallel test processes.
        Assert.InRange(result.Duration, TimeSpan.Zero, fixture.Options.TimeLimit + TimeSpan.FromSeconds(30));
    }
}
