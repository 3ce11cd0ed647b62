using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Respond.Agent.Actions;

/// <summary>
/// KILL_PROCESS: SIGKILL to target.processId. Never PID 1 (or below) and never the agent itself. The process's start
/// time goes into the facts, so verification can tell "gone" from "the PID now belongs to someone else".
/// </summary>
public sealed class ProcessKiller
{
    public async Task<Answer> KillAsync(Command command, CancellationToken ct)
    {
        if (Refuse(command.Target.ProcessId) is { } refusal) return Answer.Failed(refusal);
        var pid = command.Target.ProcessId!.Value;
        var stat = ProcStat.Read(pid);
        if (stat is null || stat.IsGone) return Answer.Failed($"no such process: PID {pid} is not running.");
        // A caller that knows the start time of the process it means (e.g. from the detection) pins it.
        if (command.Parameter("startTime") is { } expected && expected != stat.StartTime.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return Answer.Failed($"refused: PID {pid} is now a different process ({stat.Name}, start time {stat.StartTime}, expected {expected}).");
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Win32Exception)
        {
            return Answer.Failed($"permission denied: the agent may not signal PID {pid} ({stat.Name}).");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return Answer.Failed($"no such process: PID {pid} exited before it could be killed.");
        }
        var facts = new JsonObject { ["pid"] = pid, ["name"] = stat.Name, ["startTime"] = stat.StartTime.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var i = 0; i < 100 && !IsGone(pid, stat.StartTime); i++) await Task.Delay(20, ct);
        return IsGone(pid, stat.StartTime)
            ? Answer.Done($"Killed PID {pid} ({stat.Name}).", facts)
            : Answer.Failed($"PID {pid} ({stat.Name}) was sent SIGKILL but still runs (uninterruptible?).", facts);
    }

    public Task<Answer> VerifyAsync(Command command, CancellationToken ct)
    {
        var pid = int.TryParse(command.Fact("pid") ?? command.Facts?["pid"]?.ToString(), out var p) ? p : command.Target.ProcessId;
        if (pid is null) return Task.FromResult(Answer.Unverifiable("cannot verify: no PID in the target or the facts."));
        var stat = ProcStat.Read(pid.Value);
        if (stat is null || stat.IsGone) return Task.FromResult(Answer.Done($"PID {pid} is not running."));
        if (command.Fact("startTime") is { } started && started != stat.StartTime.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return Task.FromResult(Answer.Done($"PID {pid} is not running; the PID now belongs to another process ({stat.Name}, started later)."));
        return Task.FromResult(Answer.Failed($"PID {pid} ({stat.Name}) is still running."));
    }

    /// <summary>Hostile or mistaken targets the agent never signals, whoever asks.</summary>
    public static string? Refuse(int? pid) => pid switch
    {
        null => "refused: KILL_PROCESS needs target.processId.",
        <= 1 => $"refused: PID {pid} is init or not a process; the agent never kills it.",
        _ when pid == Environment.ProcessId => $"refused: PID {pid} is the agent itself.",
        _ => null,
    };

    private static bool IsGone(int pid, ulong startTime) =>
        ProcStat.Read(pid) is not { } now || now.IsGone || now.StartTime != startTime;
}
