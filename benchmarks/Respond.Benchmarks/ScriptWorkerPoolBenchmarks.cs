using BenchmarkDotNet.Attributes;
using Respond.Workflows.Scripting;

namespace Respond.Benchmarks;

/// <summary>
/// (b) The common RUN_SCRIPT case: a script the worker has already compiled (cached by content hash), run through the
/// pool: serialize the job, a line over the worker's stdin, run, a line back. Target p50 ≤ 5 ms.
/// </summary>
public class ScriptWorkerPoolBenchmarks
{
    private ScriptWorkerPool pool = null!;
    private ScriptJob job = null!;

    [GlobalSetup]
    public void StartPool()
    {
        pool = new ScriptWorkerPool(new ScriptWorkerPoolOptions { Workers = 1 });
        pool.WarmUpAsync(CancellationToken.None).GetAwaiter().GetResult();
        job = new ScriptJob(TypicalScript.Source, TypicalScript.Event, new ScriptOrganization("org-a", "Alpha"));
        var first = pool.RunAsync(job, CancellationToken.None).GetAwaiter().GetResult();
        if (!first.Succeeded || first.Actions.Count != 2)
        {
            throw new InvalidOperationException("The benchmark script did not run as expected: " + first.Error);
        }
    }

    [Benchmark(Description = "warm run of a cached script through the pool")]
    public async Task<ScriptRunResult> WarmRun()
    {
        var result = await pool.RunAsync(job, CancellationToken.None);
        return result.CacheHit ? result : throw new InvalidOperationException("Expected a cached script: " + result.Error);
    }

    [GlobalCleanup]
    public void StopPool() => pool.Dispose();
}
