using System.Diagnostics;
using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>
/// The killable check: the semantic part runs in a checker worker that is killed at <c>CheckTimeLimit</c>. In the
/// workers' collection so that its deliberately slow checks never share the cores with the timed worker attacks.
/// </summary>
[Collection(ScriptWorkerCollection.Name)]
public sealed class ScriptCheckLimitTests
{
    /// <summary>
    /// Within every shape limit (lambdas three deep), yet tens of seconds of binder work: forty nests of overloaded
    /// <c>Sum</c> calls. Only a limit the binder cannot ignore stops it.
    /// </summary>
    public static readonly string SlowSource = string.Join("\n",
        Enumerable.Range(0, 40).Select(i => $"var r{i} = {ScriptShapeLimitsTests.NestedSum(3)};"));

    [Fact]
    public async Task CheckAsync_NestedLambdaBomb_RefusedWithoutStartingAWorker()
    {
        // Arrange
        using var checks = new ScriptCheckPool(new ScriptWorkerPoolOptions());

        // Act
        var diagnostics = await checks.CheckAsync("var r = " + ScriptShapeLimitsTests.NestedSum(8) + ";", ScriptKind.RunScript, CancellationToken.None);

        // Assert
        Assert.Contains(diagnostics, d => d.Code == ScriptDiagnosticCodes.Shape && d.Message.Contains("nested 4 deep", StringComparison.Ordinal));
        Assert.Null(checks.Workers);
    }

    [Fact]
    public async Task CheckAsync_SlowSourceWithinShapeLimits_WorkerKilledAtCheckTimeLimitAndRefused()
    {
        // Arrange
        Assert.Empty(ScriptShapeLimits.Check(SlowSource, ScriptKind.RunScript));
        using var checks = new ScriptCheckPool(new ScriptWorkerPoolOptions { CheckTimeLimit = TimeSpan.FromSeconds(1) });
        await checks.CheckAsync("Log(Event.Id);", ScriptKind.RunScript, CancellationToken.None); // starts the checker worker
        await checks.Workers!.WarmUpAsync(CancellationToken.None);
        var checker = Process.GetProcessById(Assert.Single(checks.Workers.WorkerProcessIds));

        // Act
        var diagnostics = await checks.CheckAsync(SlowSource, ScriptKind.RunScript, CancellationToken.None);

        // Assert
        var refusal = Assert.Single(diagnostics);
        Assert.Equal(ScriptDiagnosticCodes.Limit, refusal.Code);
        Assert.Contains("1 s limit (CheckTimeLimit)", refusal.Message, StringComparison.Ordinal);
        Assert.True(checker.WaitForExit(10_000), "the checker worker was not killed");
        await checks.Workers.WarmUpAsync(CancellationToken.None);
        Assert.NotEqual(checker.Id, Assert.Single(checks.Workers.WorkerProcessIds)); // replaced
    }

    [Fact]
    public async Task CheckAsync_AllowListRefusal_ComesBackFromTheWorkerWithLineAndSymbol()
    {
        // Arrange
        using var checks = new ScriptCheckPool(new ScriptWorkerPoolOptions());

        // Act
        var diagnostics = await checks.CheckAsync("Log(\"x\");\nvar v = System.Environment.GetEnvironmentVariable(\"X\");", ScriptKind.RunScript, CancellationToken.None);

        // Assert
        Assert.Contains(diagnostics, d => d.IsError && d.Line == 2 && d.Column == 9 && d.Symbol == "System.Environment");
        Assert.NotNull(checks.Workers);
    }

    [Fact]
    public async Task Dispose_DuringACheck_AnswersTheCheckWithARefusalAndKillsTheWorker()
    {
        // Arrange
        var checks = new ScriptCheckPool(new ScriptWorkerPoolOptions { CheckTimeLimit = TimeSpan.FromMinutes(10) });
        Assert.True(ScriptChecker.Passes(await checks.CheckAsync("Log(Event.Id);", ScriptKind.RunScript, CancellationToken.None)));
        var checker = Process.GetProcessById(Assert.Single(checks.Workers!.WorkerProcessIds));
        var pending = checks.CheckAsync(SlowSource, ScriptKind.RunScript, CancellationToken.None);
        await BusyAsync(checker);

        // Act
        checks.Dispose();

        // Assert
        var diagnostics = await pending.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains(diagnostics, d => d.Code == ScriptDiagnosticCodes.Limit && d.Message.Contains("ended before answering", StringComparison.Ordinal));
        Assert.True(checker.WaitForExit(10_000));
    }

    /// <summary>Waits until <paramref name="worker"/> has spent CPU time on the check (it is binding), with a hang guard.</summary>
    internal static async Task BusyAsync(Process worker)
    {
        var before = worker.TotalProcessorTime;
        for (var i = 0; i < 600 && worker.TotalProcessorTime - before < TimeSpan.FromMilliseconds(300); i++)
        {
            await Task.Delay(50);
            worker.Refresh();
        }
    }
}
