using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The script check with a hard limit, for <c>validateScript</c>, saving a script and anything else that checks a source
/// a user sent. Roslyn's binder does not observe cancellation in every loop, so a check in the server process could
/// only be asked to stop. Here the text-only part (<see cref="ScriptChecker.CheckSyntax"/>: size, <see cref="ScriptShapeLimits"/>)
/// runs in process and refuses known binder bombs in milliseconds; the semantic check runs in checker workers of their
/// own (the <c>Respond.ScriptWorker</c> process, confined like the script workers, apart from the ones that run scripts so
/// checks cannot starve runs) and a worker still checking at <see cref="ScriptWorkerPoolOptions.CheckTimeLimit"/> is
/// killed and the source refused. Answers are remembered by content hash (not the ones a limit decided).
/// </summary>
public sealed class ScriptCheckPool : IDisposable, IAsyncDisposable
{
    private const int RememberedAnswers = 512;

    private readonly Lazy<ScriptWorkerPool> workers;
    private readonly ConcurrentDictionary<(ScriptKind, string), IReadOnlyList<ScriptDiagnostic>> answers = new();
    private volatile bool disposed;

    /// <param name="options">The script workers' options; <see cref="ScriptWorkerPoolOptions.CheckWorkers"/> checker workers are started at the first check that needs one.</param>
    /// <param name="confinement">What confines the checker workers; detected from <paramref name="options"/> when null.</param>
    public ScriptCheckPool(ScriptWorkerPoolOptions options, ScriptWorkerConfinement? confinement = null)
    {
        var checks = options.ForChecks();
        checks.Validate();
        workers = new Lazy<ScriptWorkerPool>(() => new ScriptWorkerPool(checks, confinement), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The checker workers, once a check needed them (null before).</summary>
    public ScriptWorkerPool? Workers => workers.IsValueCreated ? workers.Value : null;

    /// <summary>
    /// The check's diagnostics for <paramref name="source"/> as <paramref name="kind"/>; empty (or warnings only) means it
    /// may run. Never throws for anything in the source: limits and dead workers come back as <c>RSB006</c> refusals.
    /// </summary>
    public async Task<IReadOnlyList<ScriptDiagnostic>> CheckAsync(string source, ScriptKind kind, CancellationToken ct)
    {
        if (ScriptChecker.CheckSyntax(source, kind) is { Count: > 0 } refused)
        {
            return refused;
        }
        var key = (kind, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source))));
        if (answers.TryGetValue(key, out var known))
        {
            return known;
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        var diagnostics = await workers.Value.CheckAsync(source, kind, ct).ConfigureAwait(false);
        // A limit's refusal speaks of this moment's machine, not of the text: ask again next time.
        if (!diagnostics.Any(d => d.Code == ScriptDiagnosticCodes.Limit))
        {
            if (answers.Count >= RememberedAnswers)
            {
                answers.Clear();
            }
            answers[key] = diagnostics;
        }
        return diagnostics;
    }

    /// <summary>Kills every checker worker; a check waiting on one is answered with a refusal at once.</summary>
    public void Dispose()
    {
        disposed = true;
        if (workers.IsValueCreated)
        {
            workers.Value.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
