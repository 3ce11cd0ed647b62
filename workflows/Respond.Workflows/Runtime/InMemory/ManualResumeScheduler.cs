using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>One pending timer: resume this instance's bookmark at this time.</summary>
public sealed record ScheduledResume(string InstanceId, string BookmarkId, DateTimeOffset At);

/// <summary>Keeps timers in a list; the caller asks what is due (<see cref="DueAt"/>) and resumes it, e.g. after advancing a fake clock.</summary>
public sealed class ManualResumeScheduler : IResumeScheduler
{
    private readonly Lock gate = new();
    private readonly List<ScheduledResume> scheduled = [];

    public IReadOnlyList<ScheduledResume> Scheduled
    {
        get { lock (gate) { return [.. scheduled]; } }
    }

    public IReadOnlyList<ScheduledResume> DueAt(DateTimeOffset now)
    {
        lock (gate)
        {
            return [.. scheduled.Where(s => s.At <= now).OrderBy(s => s.At)];
        }
    }

    /// <summary>Like <see cref="DueAt"/>, and forgets them (a fired timer does not fire again).</summary>
    public IReadOnlyList<ScheduledResume> TakeDue(DateTimeOffset now)
    {
        lock (gate)
        {
            var due = scheduled.Where(s => s.At <= now).OrderBy(s => s.At).ToList();
            scheduled.RemoveAll(due.Contains);
            return due;
        }
    }

    public ValueTask ScheduleAsync(string instanceId, string bookmarkId, DateTimeOffset at, CancellationToken ct)
    {
        lock (gate)
        {
            scheduled.RemoveAll(s => s.InstanceId == instanceId && s.BookmarkId == bookmarkId);
            scheduled.Add(new ScheduledResume(instanceId, bookmarkId, at));
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask CancelAsync(string instanceId, string bookmarkId, CancellationToken ct)
    {
        lock (gate)
        {
            scheduled.RemoveAll(s => s.InstanceId == instanceId && s.BookmarkId == bookmarkId);
        }
        return ValueTask.CompletedTask;
    }
}
