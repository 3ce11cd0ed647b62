using Microsoft.Extensions.Options;

namespace Respond.Server;

public sealed class IdleMemoryTrimOptions
{
    public const string Section = "Respond:Memory";

    /// <summary>`Respond:Memory:TrimWhenIdle`: return the memory a burst of load left committed once the server is quiet again.</summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How often allocation is looked at; the server counts as quiet after one interval with little allocation.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allocation in busy intervals since the last trim that counts as a burst worth trimming after (smaller bursts are left alone).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)] public long BurstBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Allocation within one interval below which the server counts as quiet (heartbeats and timers allocate a little).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)] public long QuietBytes { get; set; } = 8L * 1024 * 1024;
}

/// <summary>
/// After a burst of ingestion the garbage collector keeps the memory it grew to (its budgets are sized for the load), so
/// a server that handled a spike holds twice its working set while idle. Once a burst is over and the server is quiet,
/// this closes SQLite's pooled connections that are not in use (each keeps its page cache, up to 2 MiB, in the C
/// library's heap; the next use opens a new one), runs one compacting collection in aggressive mode, which hands the free
/// memory back to the operating system, then asks the C library to return the free pages of its own heaps (SQLite's
/// caches and the runtime's native allocations live there: about 20 MiB after a burst). At most once per burst; a
/// collection of the server's live heap (tens of MiB) pauses it for milliseconds, and only when nothing is being
/// ingested. Measured in docs/performance.md.
/// </summary>
public sealed partial class IdleMemoryTrim(TimeProvider time, IOptions<IdleMemoryTrimOptions> options, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>Bytes allocated by the process so far (tests count their own).</summary>
    internal Func<long> AllocatedBytes { get; init; } = () => GC.GetTotalAllocatedBytes();

    internal Action Collect { get; init; } = () =>
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    };

    private long? _last;
    private long _sinceTrim;

    /// <summary>How many times memory was trimmed since start-up.</summary>
    public int Trims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TrimWhenIdle) return;
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        Check();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Check();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One look at allocation since the last: trims when a burst is over (true), else only counts.</summary>
    internal bool Check()
    {
        var now = AllocatedBytes();
        var first = _last is null;
        var interval = now - (_last ?? now);
        _last = now;
        if (first) return false;
        if (interval >= options.Value.QuietBytes)
        {
            _sinceTrim += interval; // busy: part of a burst
            return false;
        }
        if (_sinceTrim < options.Value.BurstBytes) return false;
        var before = Environment.WorkingSet;
        Collect();
        Trims++;
        Trimmed(logger, _sinceTrim, before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
        _sinceTrim = 0;
        return true;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Quiet after a burst of {Allocated} bytes allocated: memory trimmed, working set {Before} MiB -> {After} MiB")]
    private static partial void Trimmed(ILogger logger, long allocated, long before, long after);
}

/// <summary>The C library's heaps: glibc keeps freed pages for reuse unless asked to return them.</summary>
internal static class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns free pages of glibc's heaps to the operating system; does nothing elsewhere (another C library, another OS).</summary>
    public static void Trim()
    {
        if (_unavailable) return;
        try { _ = malloc_trim(0); }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException) { _unavailable = true; }
    }

    // DllImport, not LibraryImport: the call passes one integer, so it needs no marshalling code (nor unsafe blocks).
#pragma warning disable SYSLIB1054
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
#pragma warning restore SYSLIB1054
}
