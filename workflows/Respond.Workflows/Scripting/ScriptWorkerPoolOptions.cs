using System.Runtime.InteropServices;

namespace Respond.Workflows.Scripting;

/// <summary>Limits and locations for <see cref="ScriptWorkerPool"/>; the defaults are documented in docs/scripting.md.</summary>
public sealed class ScriptWorkerPoolOptions
{
    /// <summary>The worker's file name; it is built into the output of every project that references the worker project.</summary>
    public const string WorkerFileName = "Respond.ScriptWorker.dll";

    /// <summary>Path to <c>Respond.ScriptWorker.dll</c>; defaults to the copy next to the running application.</summary>
    public string WorkerPath { get; set; } = FindWorker() ?? Path.Combine(AppContext.BaseDirectory, WorkerFileName);

    /// <summary>The <c>dotnet</c> host that runs the worker; defaults to the one running this process.</summary>
    public string DotnetPath { get; set; } = FindDotnet();

    /// <summary>Warm workers kept running (and the most runs at once).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Wall-clock limit of one run, from the moment the script is compiled; the worker is killed past it.</summary>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Limit for the worker's re-check and compilation of a source it has not seen.</summary>
    public TimeSpan CompileTimeLimit { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Wall-clock limit of one check of a script or <c>condition.expression</c> (validating, saving, testing). A script's
    /// check runs in a checker worker (<see cref="ScriptCheckPool"/>) that is killed past this limit; an expression's
    /// in-process check is cancelled past it (its subset has no lambdas, so the binder has nothing exponential to do).
    /// A check stopped by it refuses the source with <c>RSB006</c> naming the limit.
    /// </summary>
    public TimeSpan CheckTimeLimit { get; set; } = ScriptChecker.CheckTimeLimit;

    /// <summary>Warm checker workers (<see cref="ScriptCheckPool"/>): checks at once, apart from the workers that run scripts.</summary>
    public int CheckWorkers { get; set; } = 1;

    /// <summary>
    /// Confine workers with what the OS offers (<see cref="ScriptWorkerConfinement"/>): a separate user, no network, a
    /// read-only file system view and a system-call filter. On by default; what holds is logged when the pool starts.
    /// </summary>
    public bool Confine { get; set; } = true;

    /// <summary>The unprivileged user the workers run as when the server runs as root.</summary>
    public string WorkerUser { get; set; } = "nobody";

    /// <summary>The group the workers run as when the server runs as root.</summary>
    public string WorkerGroup { get; set; } = "nogroup";

    /// <summary>
    /// CPU time a worker may use in its whole life (<c>prlimit --cpu</c>; 0 = none). The pool replaces a worker that has
    /// used half of it, so the limit only ends a worker that spins outside any run, such as an orphan.
    /// </summary>
    public TimeSpan CpuTimeLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most processes and threads of the worker's user (<c>prlimit --nproc</c>; 0 = none). Applies when the workers run as their own user.</summary>
    public int ProcessLimit { get; set; } = 1024;

    /// <summary>Largest file a worker may write (<c>prlimit --fsize</c>; 0 = none).</summary>
    public long FileSizeLimitBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Limit for a new worker to start and warm up.</summary>
    public TimeSpan StartTimeLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The worker's managed heap limit (<c>DOTNET_GCHeapHardLimit</c>).</summary>
    public long MemoryLimitBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// The worker's virtual address space limit (<c>prlimit --as</c>, Linux only; 0 = none). The runtime reserves far
    /// more address space than it commits, so this is a backstop against native allocations, not the heap limit.
    /// </summary>
    public long AddressSpaceLimitBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Most characters of logs, requested actions and result one run may produce.</summary>
    public int OutputLimitBytes { get; set; } = 64 * 1024;

    /// <summary>Most actions one run may request.</summary>
    public int ActionLimit { get; set; } = 100;

    /// <summary>A worker is replaced after compiling this many distinct scripts (compiled scripts cannot be unloaded).</summary>
    public int CompilationsPerWorker { get; set; } = 100;

    /// <summary>The worker next to the running application (its output folder), or null when it is not there.</summary>
    public static string? FindWorker()
    {
        var path = Path.Combine(AppContext.BaseDirectory, WorkerFileName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The <c>dotnet</c> host of this runtime: three levels above the shared framework folder.</summary>
    public static string FindDotnet()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var candidate = Path.Combine(root, exe);
        if (File.Exists(candidate))
        {
            return candidate;
        }
        return Environment.ProcessPath is { } self && Path.GetFileName(self) == exe ? self : exe;
    }

    /// <summary>A copy for the checker workers: <see cref="CheckWorkers"/> of them.</summary>
    internal ScriptWorkerPoolOptions ForChecks()
    {
        var copy = (ScriptWorkerPoolOptions)MemberwiseClone();
        copy.Workers = CheckWorkers;
        return copy;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimeLimit, TimeSpan.Zero, nameof(TimeLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckWorkers, 1, nameof(CheckWorkers));
        ArgumentOutOfRangeException.ThrowIfLessThan(OutputLimitBytes, 1024, nameof(OutputLimitBytes));
        if (!File.Exists(WorkerPath))
        {
            throw new FileNotFoundException(
                $"The script worker was not found at '{WorkerPath}'. Reference workflows/Respond.ScriptWorker from the host project so it is built next to it, or set WorkerPath.",
                WorkerPath);
        }
    }
}
