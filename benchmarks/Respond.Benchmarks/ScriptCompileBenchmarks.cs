using BenchmarkDotNet.Attributes;
using Respond.Workflows.Scripting;

namespace Respond.Benchmarks;

/// <summary>
/// (a) What saving or first running a script costs: the allow-list check on the semantic model plus the Roslyn compile
/// the worker does. "Cold" means a source this process has never seen (each invocation gets a new one), in a process
/// whose references are already loaded: the case of a newly written script, not of a freshly started server.
/// </summary>
[MemoryDiagnoser]
public class ScriptCompileBenchmarks
{
    private int counter;

    [GlobalSetup]
    public void LoadReferences()
    {
        // The first check in a process loads the curated references (~tens of MB of metadata); that is start-up, not per script.
        ScriptChecker.Check(TypicalScript.Source, ScriptKind.RunScript);
        ScriptReferences.CreateScript(TypicalScript.Source).CreateDelegate();
    }

    [Benchmark(Description = "check + compile, 30-line script (cold)")]
    public object CheckAndCompile()
    {
        var source = TypicalScript.Source + "\n// variant " + Interlocked.Increment(ref counter);
        var diagnostics = ScriptChecker.Check(source, ScriptKind.RunScript);
        if (!ScriptChecker.Passes(diagnostics))
        {
            throw new InvalidOperationException(string.Join("\n", diagnostics));
        }
        return ScriptReferences.CreateScript(source).CreateDelegate();
    }

    [Benchmark(Description = "check only, 30-line script (cold)")]
    public object CheckOnly()
    {
        var source = TypicalScript.Source + "\n// variant " + Interlocked.Increment(ref counter);
        return ScriptChecker.Check(source, ScriptKind.RunScript);
    }
}
