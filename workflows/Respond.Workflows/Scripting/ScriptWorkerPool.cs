using System.Security.Cryptography;
using System.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// Runs <c>RUN_SCRIPT</c> jobs outside the server: a warm pool of <see cref="ScriptWorkerPoolOptions.Workers"/> worker
/// processes (<c>Respond.ScriptWorker</c>), each started with an empty environment, its own empty working directory, a
/// GC heap limit and (on Linux) <c>prlimit</c>. A run past its wall-clock limit, or flooding its output, kills its
/// worker; a killed or crashed worker is replaced in the background, and the run fails with the reason. Jobs go to a
/// worker that already compiled the same source when one is idle, so the common case skips compilation. Disposing the
/// pool kills every worker; a worker whose pool vanished without disposing exits when its stdin closes.
/// </summary>
public sealed class ScriptWorkerPool : IDisposable, IAsyncDisposable
{
    private readonly ScriptWorkerPoolOptions options;
    private readonly SemaphoreSlim slots;
    private readonly List<Task<ScriptWorkerProcess>> idle = [];
    private readonly HashSet<ScriptWorkerProcess> live = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource closing = new();
    private int started;
    private bool disposed;

    public ScriptWorkerPool(ScriptWorkerPoolOptions options, ScriptWorkerConfinement? confinement = null)
    {
        options.Validate();
        this.options = options;
        Confinement = confinement ?? ScriptWorkerConfinement.Detect(options);
        slots = new SemaphoreSlim(options.Workers, options.Workers);
        for (var i = 0; i < options.Workers; i++)
        {
            idle.Add(StartWorkerAsync());
        }
    }

    /// <summary>What the OS adds around each worker here (detected when the pool was made).</summary>
    public ScriptWorkerConfinement Confinement { get; }

    /// <summary>What the last started worker said of its system-call filter (<c>on</c>, or why not); null before one started.</summary>
    public string? WorkerSeccomp { get; private set; }

    /// <summary>Worker slots of the pool (<see cref="ScriptWorkerPoolOptions.Workers"/>).</summary>
    public int Workers => options.Workers;

    /// <summary>Slots taken by a run or a check right now (the rest are idle).</summary>
    public int Busy => options.Workers - slots.CurrentCount;

    /// <summary>How many worker processes this pool has started (initial ones and replacements).</summary>
    public int WorkersStarted => Volatile.Read(ref started);

    /// <summary>The process ids of the workers alive right now.</summary>
    public IReadOnlyList<int> WorkerProcessIds
    {
        get
        {
            lock (gate)
            {
                return [.. live.Select(w => w.ProcessId)];
            }
        }
    }

    /// <summary>Waits until every worker slot holds a started worker (or its start failed); for warm-up and tests.</summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        Task<ScriptWorkerProcess>[] pending;
        lock (gate)
        {
            pending = [.. idle];
        }
        try
        {
            await Task.WhenAll(pending).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // A failed start is replaced when a run takes that slot.
        }
    }

    /// <summary>
    /// Starts again every idle slot whose worker failed to start, which a run would otherwise only do when it takes that
    /// slot; readiness calls it so a pool that lost workers recovers without waiting for a script.
    /// </summary>
    public void RestartFailedStarts()
    {
        List<Task<ScriptWorkerProcess>> failed;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
            failed = [.. idle.Where(t => t.IsFaulted || t.IsCanceled)];
            idle.RemoveAll(failed.Contains);
        }
        foreach (var _ in failed)
        {
            Return(StartWorkerAsync());
        }
    }

    /// <summary>
    /// Runs <paramref name="job"/> in a worker. Never throws for anything the script does: refusals, exceptions and
    /// breached limits come back as a failed <see cref="ScriptRunResult"/>. Cancelling kills the worker running it.
    /// </summary>
    public async Task<ScriptRunResult> RunAsync(ScriptJob job, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(job.Source)));
        await slots.WaitAsync(ct).ConfigureAwait(false);
        return await UseWorkerAsync(hash, worker => worker.RunAsync(job, hash, options, ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks <paramref name="source"/> in a worker, killing it past <see cref="ScriptWorkerPoolOptions.CheckTimeLimit"/>.
    /// When every worker is busy for longer than that limit the source is refused as "busy" rather than queued for ever.
    /// </summary>
    public async Task<IReadOnlyList<ScriptDiagnostic>> CheckAsync(string source, ScriptKind kind, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!await slots.WaitAsync(options.CheckTimeLimit, ct).ConfigureAwait(false))
        {
            return [new ScriptDiagnostic(ScriptDiagnostic.Error, ScriptDiagnosticCodes.Limit,
                "The script checker is busy with other checks; try again in a moment.", 1, 1, null)];
        }
        return await UseWorkerAsync("", worker => worker.CheckAsync(source, kind, options, ct)).ConfigureAwait(false);
    }

    /// <summary>Takes a worker for one job (the caller holds a slot), replaces it when the job left it dead or spent.</summary>
    private async Task<T> UseWorkerAsync<T>(string hash, Func<ScriptWorkerProcess, Task<T>> use)
    {
        Task<ScriptWorkerProcess>? slot = null;
        try
        {
            slot = Take(hash);
            ScriptWorkerProcess worker;
            try
            {
                worker = await slot.ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                slot = StartWorkerAsync(); // the slot's start failed: try once more now
                worker = await slot.ConfigureAwait(false);
            }
            var result = await use(worker).ConfigureAwait(false);
            if (!worker.Healthy || worker.Compilations >= options.CompilationsPerWorker
                || options.CpuTimeLimit > TimeSpan.Zero && worker.CpuTime > options.CpuTimeLimit / 2)
            {
                Retire(worker);
                slot = StartWorkerAsync();
            }
            return result;
        }
        catch (OperationCanceledException) when (slot is not null && slot.IsCompletedSuccessfully)
        {
            Retire(slot.Result);
            slot = StartWorkerAsync();
            throw;
        }
        finally
        {
            if (slot is not null)
            {
                Return(slot);
            }
            slots.Release();
        }
    }

    public void Dispose()
    {
        List<ScriptWorkerProcess> workers;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            workers = [.. live];
            live.Clear();
        }
        closing.Cancel();
        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<ScriptWorkerProcess> Take(string hash)
    {
        lock (gate)
        {
            // Prefer a started worker that has compiled this source, then any started one, then one still starting.
            var pick = idle.FirstOrDefault(t => t.IsCompletedSuccessfully && t.Result.HasCompiled(hash))
                ?? idle.FirstOrDefault(t => t.IsCompletedSuccessfully)
                ?? idle[0];
            idle.Remove(pick);
            return pick;
        }
    }

    private void Return(Task<ScriptWorkerProcess> slot)
    {
        lock (gate)
        {
            if (!disposed)
            {
                idle.Add(slot);
                return;
            }
        }
        // Disposed while this slot was out: its worker must not outlive the pool.
        _ = slot.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private void Retire(ScriptWorkerProcess worker)
    {
        lock (gate)
        {
            live.Remove(worker);
        }
        worker.Dispose();
    }

    private async Task<ScriptWorkerProcess> StartWorkerAsync()
    {
        Interlocked.Increment(ref started);
        var worker = await ScriptWorkerProcess.StartAsync(options, Confinement, closing.Token).ConfigureAwait(false);
        WorkerSeccomp = worker.Seccomp;
        lock (gate)
        {
            if (!disposed)
            {
                live.Add(worker);
                return worker;
            }
        }
        worker.Dispose();
        throw new ObjectDisposedException(nameof(ScriptWorkerPool));
    }
}
