using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Respond.Workflows.Scripting;
using Xunit.Abstractions;

namespace Respond.Workflows.Tests.Scripting;

public sealed class ExpressionCompilerTests(ITestOutputHelper output)
{
    private static readonly ScriptEvent Critical = ScriptEvent.FromJson(ScriptWorkerPoolFixture.SampleEvent);
    private static readonly ScriptEvent Quiet = ScriptEvent.Parse("""{ "id": "e2", "severity": "LOW", "user": { "id": "bob" } }""");

    [Fact]
    public void Compile_AllowedExpression_EvaluatesPerEvent()
    {
        // Arrange
        using var compiler = new ExpressionCompiler();

        // Act
        var compiled = compiler.Compile("Event.Severity == \"CRITICAL\" && Event.Process.CommandLine.Contains(\"-enc\") && Event.GetNumber(\"raw.attempts\") > 5");

        // Assert
        Assert.True(compiled.Succeeded, string.Join("\n", compiled.Diagnostics));
        Assert.True(compiled.Expression!.Evaluate(Critical));
        Assert.False(compiled.Expression.Evaluate(Quiet));
    }

    [Fact]
    public void Compile_SameExpressionTwice_CompilesOnceAndHitsCache()
    {
        // Arrange
        using var compiler = new ExpressionCompiler();
        const string expression = "Event.User.Id.StartsWith(\"u-\")";

        // Act
        var first = compiler.Compile(expression);
        var second = compiler.Compile(expression);

        // Assert
        Assert.Same(first.Expression, second.Expression);
        Assert.Equal(1, compiler.Compilations);
        Assert.Equal(1, compiler.CacheHits);
    }

    [Fact]
    public void Compile_CheckStoppedByTimeLimit_RefusedButNotCached_SoTheNextCallChecksAgain()
    {
        // Arrange: a limit no check can meet, as on a machine too busy to finish one in time.
        using var compiler = new ExpressionCompiler(checkTimeLimit: TimeSpan.Zero);
        const string expression = "Event.User.Id == \"mallory\"";

        // Act
        var first = compiler.Compile(expression);
        var second = compiler.Compile(expression);

        // Assert
        Assert.False(first.Succeeded);
        Assert.True(first.TimedOut);
        Assert.Contains(first.Diagnostics, d => d.Code == ScriptDiagnosticCodes.Limit && d.Message.Contains("took longer", StringComparison.Ordinal));
        Assert.True(second.TimedOut);
        Assert.Equal(2, compiler.Compilations);
        Assert.Equal(0, compiler.CacheHits);
    }

    [Fact]
    public void Evaluate_CompiledExpression_IsFastPerEvent()
    {
        // Arrange
        using var compiler = new ExpressionCompiler();
        var evaluate = compiler.Compile("Event.Device.Hostname.StartsWith(\"LT-\") && Event.Severity != \"LOW\"").Expression!.Delegate;
        evaluate(Critical);
        const int runs = 100_000;

        // Act
        var clock = Stopwatch.StartNew();
        var matches = 0;
        for (var i = 0; i < runs; i++)
        {
            matches += evaluate(Critical) ? 1 : 0;
        }
        clock.Stop();

        // Assert
        output.WriteLine($"{clock.Elapsed.TotalMilliseconds * 1000 / runs:0.###} µs per evaluation");
        Assert.Equal(runs, matches);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{clock.Elapsed.TotalMilliseconds * 1000 / runs:0.###} µs per evaluation");
    }

    [Fact]
    public void Compile_RefusedExpression_ReturnsDiagnosticsAndNoDelegate()
    {
        // Arrange
        using var compiler = new ExpressionCompiler();

        // Act
        var compiled = compiler.Compile("System.IO.File.Exists(Event.File.Path)");

        // Assert
        Assert.False(compiled.Succeeded);
        Assert.Contains(compiled.Diagnostics, d => d.Symbol == "System.IO.File");
    }

    [Fact]
    public void Compile_PastCapacity_EvictsAndUnloadsOldest()
    {
        // Arrange
        using var compiler = new ExpressionCompiler(capacity: 1);
        var name = CompileAndForget(compiler, "Event.Id == \"evicted\"");

        // Act
        compiler.Compile("Event.Id == \"newer\"");
        for (var i = 0; i < 10 && AssemblyLoadContext.All.Any(c => c.Name == name); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // Assert
        Assert.DoesNotContain(AssemblyLoadContext.All, c => c.Name == name);
        Assert.Equal(2, compiler.Compilations);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? CompileAndForget(ExpressionCompiler compiler, string expression)
    {
        var compiled = compiler.Compile(expression).Expression!;
        Assert.False(compiled.Evaluate(Quiet));
        return AssemblyLoadContext.GetLoadContext(compiled.Delegate.Method.Module.Assembly)?.Name;
    }
}
