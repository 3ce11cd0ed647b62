using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis.Scripting;
using Respond.Workflows.Scripting;

namespace Respond.ScriptWorker;

/// <summary>
/// Serves one request at a time: re-check (the pool's caller checked already, but the worker trusts nobody), compile
/// once per distinct source (SHA-256), run on a dedicated small-stack thread, reply. Limits it enforces itself: output
/// and action counts (via <see cref="ScriptRecorder"/>), the result size, and a backstop deadline a second past the
/// pool's so an orphaned worker cannot spin for ever. Any breach ends the process: the pool starts a fresh one.
/// </summary>
internal sealed class WorkerHost(Stream input, Stream output)
{
    private const int CacheCapacity = 64;
    private const int ScriptStackBytes = 1024 * 1024;

    private readonly StreamReader reader = new(input, new UTF8Encoding(false));
    private readonly Dictionary<string, ScriptRunner<object>> compiled = new(StringComparer.Ordinal);
    private readonly Queue<string> compiledOrder = new();
    private readonly Lock writeLock = new();

    public int Run()
    {
        WarmUp();
        // Installed after warm-up (the runtime has loaded what it needs) and before the first request.
        var seccomp = Environment.GetEnvironmentVariable(ScriptWorkerConfinement.SeccompVariable) == "1" ? SyscallFilter.Install() : null;
        Write(new ScriptWorkerReply(ScriptWorkerProtocol.Ready, Succeeded: true, Seccomp: seccomp));
        while (reader.ReadLine() is { } line)
        {
            var request = JsonSerializer.Deserialize<ScriptWorkerRequest>(line, ScriptWorkerProtocol.Json)
                ?? throw new InvalidDataException("Empty request.");
            Serve(request);
        }
        return 0; // stdin closed: the pool is gone or disposed us.
    }

    /// <summary>Compiles and runs a trivial script so the first real run does not pay for loading Roslyn.</summary>
    private void WarmUp()
    {
        const string source = "var n = Event.User.Id.Length; Log(Organization.Name); n";
        ScriptChecker.Check(source, ScriptKind.RunScript);
        var runner = ScriptReferences.CreateScript(source).CreateDelegate();
        var recorder = new ScriptRecorder(1024, 1, _ => { });
        var globals = new ScriptGlobals(ScriptEvent.Parse("""{"user":{"id":"warm"}}"""), null, new ScriptOrganization("o", "warm-up"), recorder);
        runner(globals).GetAwaiter().GetResult();
    }

    private void Serve(ScriptWorkerRequest request)
    {
        if (request.CheckKind is { } kind)
        {
            Check(request.Source, kind, TimeSpan.FromMilliseconds(request.TimeLimitMilliseconds));
            return;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Source)));
        var cached = compiled.TryGetValue(hash, out var runner);
        if (runner is null)
        {
            var diagnostics = ScriptChecker.Check(request.Source, ScriptKind.RunScript);
            if (!ScriptChecker.Passes(diagnostics))
            {
                var first = diagnostics.First(d => d.IsError);
                Write(new ScriptWorkerReply(ScriptWorkerProtocol.Done, Error: $"refused: ({first.Line},{first.Column}) {first.Message}", Diagnostics: diagnostics));
                return;
            }
            runner = ScriptReferences.CreateScript(request.Source).CreateDelegate();
            Remember(hash, runner);
        }
        Write(new ScriptWorkerReply(ScriptWorkerProtocol.Running));
        Execute(request, runner, cached);
    }

    /// <summary>
    /// A check request: only the check, nothing compiled to run. The pool kills this process at its check limit; the
    /// watchdog ends it a second later as well, so a worker whose pool vanished cannot spin in the binder.
    /// </summary>
    private void Check(string source, ScriptKind kind, TimeSpan limit)
    {
        var answered = 0;
        using var watchdog = new Timer(_ =>
        {
            if (Interlocked.Exchange(ref answered, 1) == 0)
            {
                Breach($"killed: checking exceeded {limit.TotalSeconds:0.#} s limit");
            }
        }, null, limit + TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var diagnostics = ScriptChecker.Check(source, kind, CancellationToken.None, limit);
        if (Interlocked.Exchange(ref answered, 1) == 0)
        {
            Write(new ScriptWorkerReply(ScriptWorkerProtocol.Done, Succeeded: ScriptChecker.Passes(diagnostics), Diagnostics: diagnostics));
        }
        else
        {
            Thread.Sleep(Timeout.Infinite); // the watchdog is ending the process
        }
    }

    private void Execute(ScriptWorkerRequest request, ScriptRunner<object> runner, bool cached)
    {
        var recorder = new ScriptRecorder(request.OutputLimitBytes, request.ActionLimit, Breach);
        var globals = new ScriptGlobals(ScriptEvent.FromJson(request.Event), request.Alert, request.Organization, recorder);
        string? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                // Scripts cannot await anything (Task is not on the allow-list), so the runner completes synchronously.
                var value = runner(globals).GetAwaiter().GetResult();
                result = value?.ToString();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, ScriptStackBytes) { IsBackground = true, Name = "script" };
        thread.Start();
        if (!thread.Join(TimeSpan.FromMilliseconds(request.TimeLimitMilliseconds) + TimeSpan.FromSeconds(1)))
        {
            Breach($"killed: exceeded {request.TimeLimitMilliseconds / 1000.0:0.#} s time limit");
        }
        if (failure is OutOfMemoryException or InsufficientExecutionStackException)
        {
            Breach(failure is OutOfMemoryException
                ? "killed: exceeded the worker's memory limit (out of memory)"
                : "killed: stack exhausted (recursion too deep)");
        }
        if (result is { Length: var length } && length > request.OutputLimitBytes)
        {
            Breach($"killed: output exceeded {request.OutputLimitBytes / 1024} KiB limit (the script's result)");
        }
        Write(new ScriptWorkerReply(
            ScriptWorkerProtocol.Done,
            Succeeded: failure is null,
            Error: failure is null ? null : Describe(failure),
            Logs: recorder.Logs,
            Actions: recorder.Actions,
            Result: result,
            Cached: cached));
    }

    /// <summary>Reports a limit breach and ends the process at once (the script may still be running; nothing it holds survives).</summary>
    private void Breach(string reason)
    {
        Write(new ScriptWorkerReply(ScriptWorkerProtocol.Done, Error: reason, Retire: true));
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static string Describe(Exception e)
    {
        var message = e.Message.Length > 500 ? e.Message[..500] + "..." : e.Message;
        return $"script threw {e.GetType().Name}: {message}";
    }

    private void Remember(string hash, ScriptRunner<object> runner)
    {
        // Compiled scripts are not collectible in Roslyn scripting; the pool retires a worker after a number of
        // compilations, so this bound only keeps lookups small.
        if (compiled.Count >= CacheCapacity && compiledOrder.TryDequeue(out var oldest))
        {
            compiled.Remove(oldest);
        }
        compiled[hash] = runner;
        compiledOrder.Enqueue(hash);
    }

    private void Write(ScriptWorkerReply reply)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply, ScriptWorkerProtocol.Json);
        lock (writeLock)
        {
            output.Write(bytes);
            output.WriteByte((byte)'\n');
            output.Flush();
        }
    }
}
