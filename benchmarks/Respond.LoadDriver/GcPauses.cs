using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Respond.LoadDriver;

/// <summary>One stop of a server's threads: when it began (UTC), how long it lasted, and the generation it collected (-1: no collection).</summary>
public sealed record GcPause(DateTime StartUtc, double Milliseconds, int Generation)
{
    public DateTime EndUtc => StartUtc.AddMilliseconds(Milliseconds);
}

/// <summary>
/// Records a server's garbage-collection pauses through its diagnostics port: an EventPipe session with the runtime's GC
/// events alone and no rundown at its end (a rundown walks every method and would itself delay the server). The latency
/// phase lines its probes up with them, so the report says how much of the alert latency's tail they explain.
/// </summary>
public sealed class GcPauseRecorder
{
    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly List<GcPause> _pauses = [];

    private GcPauseRecorder(EventPipeSession session)
    {
        _session = session;
        _reading = Task.Run(Read);
    }

    /// <summary>Starts recording process <paramref name="pid"/>; null when its diagnostics port cannot be reached.</summary>
    public static GcPauseRecorder? TryStart(int pid)
    {
        try
        {
            return new GcPauseRecorder(new DiagnosticsClient(pid).StartEventPipeSession(
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC), requestRundown: false));
        }
        catch (Exception e) when (e is DiagnosticsClientException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            Console.Error.WriteLine($"GC pauses of process {pid} are not recorded: {e.Message}");
            return null;
        }
    }

    private void Read()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        DateTime? suspended = null;
        var generation = -1;
        source.Clr.GCSuspendEEStart += e => suspended = e.TimeStamp.ToUniversalTime();
        source.Clr.GCStart += e => generation = e.Depth;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspended is { } at)
                lock (_pauses) _pauses.Add(new GcPause(at, (e.TimeStamp.ToUniversalTime() - at).TotalMilliseconds, generation));
            (suspended, generation) = (null, -1);
        };
        try
        {
            source.Process();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            // The session ended while a block was being read: what was read is kept.
        }
    }

    /// <summary>Stops recording and returns the pauses seen.</summary>
    public async Task<List<GcPause>> StopAsync()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The server is gone: its stream ends too.
        }
        await _reading;
        _session.Dispose();
        lock (_pauses) return [.. _pauses];
    }
}
