using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Respond.Workflows.Scripting;

/// <summary>
/// One worker process: started with an empty environment (only what <c>dotnet</c> needs and the GC heap limit), its own
/// new empty temporary working directory, and inside what <see cref="ScriptWorkerConfinement"/> found available (its own
/// user, no network, a read-only file system view, <c>prlimit</c>, seccomp). Runs one job (a run or a check) at a time;
/// any breach (time, output, crash) leaves it dead, and the pool replaces it.
/// </summary>
internal sealed class ScriptWorkerProcess : IDisposable
{
    private const int StderrTailBytes = 4096;

    private readonly Process process;
    private readonly string directory;
    private readonly BoundedLineReader stdout;
    private readonly Stream stdin;
    private readonly Task stderrPump;
    private readonly byte[] stderrTail = new byte[StderrTailBytes];
    private readonly HashSet<string> sources = new(StringComparer.Ordinal);
    private int stderrLength;
    private int disposed;

    private ScriptWorkerProcess(Process process, string directory, int maxLineBytes)
    {
        this.process = process;
        this.directory = directory;
        stdin = process.StandardInput.BaseStream;
        stdout = new BoundedLineReader(process.StandardOutput.BaseStream, maxLineBytes);
        stderrPump = Task.Run(PumpStderrAsync);
    }

    public int ProcessId => process.Id;

    /// <summary>False once the worker breached a limit, crashed or was killed.</summary>
    public bool Healthy { get; private set; } = true;

    public int Compilations { get; private set; }

    public bool HasCompiled(string hash) => sources.Contains(hash);

    /// <summary>What the worker said of the system-call filter it installed on itself (null: none was asked for).</summary>
    public string? Seccomp { get; private set; }

    /// <summary>CPU time the worker used so far (its <c>RLIMIT_CPU</c> budget is for its whole life).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            try
            {
                return process.TotalProcessorTime;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return TimeSpan.MaxValue; // gone or unreadable: treat as spent, so the pool replaces it
            }
        }
    }

    public static async Task<ScriptWorkerProcess> StartAsync(ScriptWorkerPoolOptions options, ScriptWorkerConfinement confinement, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("respond-script-").FullName;
        var start = StartInfo(options, directory);
        confinement.Apply(start, options, directory);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("The script worker did not start.");
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        var worker = new ScriptWorkerProcess(process, directory, MaxLineBytes(options));
        try
        {
            var (line, outcome) = await worker.ReadAsync(options.StartTimeLimit, ct).ConfigureAwait(false);
            var ready = outcome == ReadOutcome.Line ? Parse(line!) : null;
            if (ready?.Phase != ScriptWorkerProtocol.Ready)
            {
                throw new InvalidOperationException($"The script worker did not become ready: {await worker.DescribeEndAsync(outcome).ConfigureAwait(false)}");
            }
            worker.Seccomp = ready.Seccomp;
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    public async Task<ScriptRunResult> RunAsync(ScriptJob job, string hash, ScriptWorkerPoolOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var request = new ScriptWorkerRequest(job.Source, job.Event, job.Alert, job.Organization,
            options.OutputLimitBytes, options.ActionLimit, (int)options.TimeLimit.TotalMilliseconds);
        try
        {
            await stdin.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(request, ScriptWorkerProtocol.Json), ct).ConfigureAwait(false);
            stdin.WriteByte((byte)'\n');
            await stdin.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return Fail(await DescribeEndAsync(ReadOutcome.End).ConfigureAwait(false), clock);
        }

        // Phase 1: the worker re-checks and compiles (or finds the source in its cache), then says "running".
        var (line, outcome) = await ReadAsync(options.CompileTimeLimit, ct).ConfigureAwait(false);
        if (outcome != ReadOutcome.Line)
        {
            return Fail(outcome == ReadOutcome.TimedOut
                ? $"killed: compiling exceeded {Seconds(options.CompileTimeLimit)} s limit"
                : await DescribeEndAsync(outcome).ConfigureAwait(false), clock);
        }
        var reply = Parse(line!);
        if (reply?.Phase == ScriptWorkerProtocol.Done)
        {
            return Finish(reply, clock); // refused by the worker's own check
        }
        if (reply?.Phase != ScriptWorkerProtocol.Running)
        {
            return Fail("killed: the worker broke the protocol", clock);
        }
        if (sources.Add(hash))
        {
            Compilations++;
        }

        // Phase 2: the script runs; the clock is the run's wall-clock limit.
        (line, outcome) = await ReadAsync(options.TimeLimit, ct).ConfigureAwait(false);
        if (outcome != ReadOutcome.Line)
        {
            return Fail(outcome == ReadOutcome.TimedOut
                ? $"killed: exceeded {Seconds(options.TimeLimit)} s time limit"
                : await DescribeEndAsync(outcome).ConfigureAwait(false), clock);
        }
        reply = Parse(line!);
        return reply?.Phase == ScriptWorkerProtocol.Done ? Finish(reply, clock) : Fail("killed: the worker broke the protocol", clock);

        ScriptRunResult Fail(string error, Stopwatch watch)
        {
            Kill();
            return ScriptRunResult.Failed(error, watch.Elapsed);
        }

        ScriptRunResult Finish(ScriptWorkerReply done, Stopwatch watch)
        {
            if (done.Retire)
            {
                Kill();
            }
            return new ScriptRunResult(done.Succeeded, done.Error, done.Logs ?? [], done.Actions ?? [], watch.Elapsed)
            {
                ReturnValue = done.Result,
                CacheHit = done.Cached,
                Diagnostics = done.Diagnostics ?? [],
            };
        }
    }

    /// <summary>
    /// Checks <paramref name="source"/> in this worker. The check is bounded by <see cref="ScriptWorkerPoolOptions.CheckTimeLimit"/>
    /// of wall-clock time: past it the process is killed (SIGKILL; the binder cannot be cancelled cooperatively) and the
    /// source is refused with <see cref="ScriptDiagnosticCodes.Limit"/> naming the limit.
    /// </summary>
    public async Task<IReadOnlyList<ScriptDiagnostic>> CheckAsync(string source, ScriptKind kind, ScriptWorkerPoolOptions options, CancellationToken ct)
    {
        var request = new ScriptWorkerRequest(source, NoEvent, null, NoOrganization, options.OutputLimitBytes, 0,
            (int)options.CheckTimeLimit.TotalMilliseconds) { CheckKind = kind };
        try
        {
            await stdin.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(request, ScriptWorkerProtocol.Json), ct).ConfigureAwait(false);
            stdin.WriteByte((byte)'\n');
            await stdin.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return [CheckRefusal($"The check's worker ended before answering ({await DescribeEndAsync(ReadOutcome.End).ConfigureAwait(false)}); the source is refused.")];
        }
        var (line, outcome) = await ReadAsync(options.CheckTimeLimit, ct).ConfigureAwait(false);
        if (outcome == ReadOutcome.TimedOut)
        {
            return [CheckRefusal($"Checking took longer than the {Seconds(options.CheckTimeLimit)} s limit (CheckTimeLimit), so the check was stopped; simplify the script.")];
        }
        if (outcome != ReadOutcome.Line)
        {
            return [CheckRefusal($"The check's worker ended before answering ({await DescribeEndAsync(outcome).ConfigureAwait(false)}); the source is refused.")];
        }
        var reply = Parse(line!);
        if (reply is not { Phase: ScriptWorkerProtocol.Done, Diagnostics: { } diagnostics })
        {
            Kill();
            return [CheckRefusal("The check's worker broke the protocol; the source is refused.")];
        }
        if (reply.Retire)
        {
            Kill();
        }
        return diagnostics;
    }

    private static readonly JsonElement NoEvent = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly ScriptOrganization NoOrganization = new("", "");

    private static ScriptDiagnostic CheckRefusal(string message) => new(ScriptDiagnostic.Error, ScriptDiagnosticCodes.Limit, message, 1, 1, null);

    public void Kill()
    {
        Healthy = false;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting right now.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        Kill();
        process.WaitForExit(2000);
        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file the worker could not have written (fsize limit) or one still being released: leave it to the OS's tmp cleaning.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private enum ReadOutcome
    {
        Line,
        End,
        TooLong,
        TimedOut,
    }

    private async Task<(string? Line, ReadOutcome Outcome)> ReadAsync(TimeSpan limit, CancellationToken ct)
    {
        var read = stdout.ReadLineAsync();
        var timer = Task.Delay(limit, ct);
        var first = await Task.WhenAny(read, timer).ConfigureAwait(false);
        if (first != read)
        {
            // Killing ends the pending read with end of stream; a cancelled caller gets its exception after that.
            Kill();
            await read.ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return (null, ReadOutcome.TimedOut);
        }
        var (line, tooLong) = await read.ConfigureAwait(false);
        return tooLong ? (null, ReadOutcome.TooLong) : line is null ? (null, ReadOutcome.End) : (line, ReadOutcome.Line);
    }

    private async Task<string> DescribeEndAsync(ReadOutcome outcome)
    {
        if (outcome == ReadOutcome.TooLong)
        {
            Kill();
            return "killed: output exceeded the worker's line limit (flood)";
        }
        if (outcome == ReadOutcome.TimedOut)
        {
            return "killed: the worker did not answer in time";
        }
        Healthy = false;
        if (Volatile.Read(ref disposed) == 1)
        {
            return "killed: the pool was disposed (the server is stopping)";
        }
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            await stderrPump.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            return "killed: the pool was disposed (the server is stopping)"; // disposed while waiting
        }
        var stderr = StderrTail();
        int? exitCode;
        try
        {
            exitCode = process.HasExited ? process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return "killed: the pool was disposed (the server is stopping)";
        }
        var code = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        if (stderr.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
        {
            return $"crashed: stack overflow (recursion too deep; exit code {code})";
        }
        if (exitCode == 128 + 24)
        {
            return $"killed: the worker used up its CPU time limit (SIGXCPU; exit code {code})";
        }
        if (stderr.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || stderr.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
        {
            return $"crashed: out of memory (exit code {code})";
        }
        return $"crashed: the worker exited (exit code {code})";
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new byte[1024];
        var stream = process.StandardError.BaseStream;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (stderrTail)
                {
                    // Keep only the first few KiB: the runtime's crash reason comes first, frame dumps after.
                    var take = Math.Min(read, StderrTailBytes - stderrLength);
                    Array.Copy(buffer, 0, stderrTail, stderrLength, take);
                    stderrLength += take;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private string StderrTail()
    {
        lock (stderrTail)
        {
            return Encoding.UTF8.GetString(stderrTail, 0, stderrLength);
        }
    }

    private static ScriptWorkerReply? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<ScriptWorkerReply>(line, ScriptWorkerProtocol.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int MaxLineBytes(ScriptWorkerPoolOptions options) =>
        // JSON may escape each character as \uXXXX (6 bytes); logs, actions and result each stay under the output limit.
        checked(options.OutputLimitBytes * 6 * 3 + 64 * 1024);

    private static string Seconds(TimeSpan limit) => limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static ProcessStartInfo StartInfo(ScriptWorkerPoolOptions options, string directory)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = directory,
        };
        start.FileName = options.DotnetPath;
        start.ArgumentList.Add(options.WorkerPath);

        // No inherited variable reaches a script: no connection strings, tokens or secrets.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = directory;
        start.Environment["TMPDIR"] = directory;
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(options.DotnetPath) ?? "";
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + options.MemoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_GCgen0size"] = "0x1000000";
        // No diagnostics IPC socket, no debugger or profiler attach, no W^X double mapping (memfd files).
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

}
