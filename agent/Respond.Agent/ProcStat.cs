using System.Globalization;

namespace Respond.Agent;

/// <summary>
/// The bits of /proc/&lt;pid&gt;/stat the agent needs. The start time (clock ticks since boot, field 22) tells a process
/// from a later one that got the same PID: a kill or its verification only counts for the process that was meant.
/// </summary>
public sealed record ProcStat(int Pid, string Name, char State, ulong StartTime)
{
    /// <summary>Zombie or dead: the process no longer runs, though its PID is not yet reaped.</summary>
    public bool IsGone => State is 'Z' or 'X' or 'x';

    public static ProcStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0].Length != 1) return null;
        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(pid, text[(open + 1)..close], fields[0][0], start)
            : null;
    }
}
