using Quartz;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>Fires when a delay ends or an approval gate times out. Thin: ids in, the evaluator does the work.</summary>
[DisallowConcurrentExecution]
public sealed class ResumeInstanceJob(RuleEvaluator evaluator) : IJob
{
    public const string InstanceId = "instanceId";
    public const string BookmarkId = "bookmarkId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await evaluator.ResumeDueAsync(context.MergedJobDataMap.GetString(InstanceId)!, context.MergedJobDataMap.GetString(BookmarkId)!, ct);
}

/// <summary>
/// Schedules resumes as Quartz jobs. Due times are also stored on the instance (ResumeAt), and start-up
/// schedules them again, so a timer pending at shutdown still fires after the restart.
/// </summary>
public sealed class QuartzResumeScheduler(ISchedulerFactory schedulers) : IResumeScheduler
{
    public static JobKey Key(string instanceId, string bookmarkId) => new($"{instanceId}/{bookmarkId}", "resume");

    public async ValueTask ScheduleAsync(string instanceId, string bookmarkId, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<ResumeInstanceJob>().WithIdentity(Key(instanceId, bookmarkId))
            .UsingJobData(ResumeInstanceJob.InstanceId, instanceId).UsingJobData(ResumeInstanceJob.BookmarkId, bookmarkId)
            // A node that dies while resuming hands the firing to a living node; a repeated firing changes nothing.
            .RequestRecovery().Build();
        // Quartz's default for a one-shot trigger that missed its time (the server was down) is to fire at once.
        var trigger = TriggerBuilder.Create().ForJob(job).StartAt(at).Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, ct);
    }

    public async ValueTask CancelAsync(string instanceId, string bookmarkId, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(Key(instanceId, bookmarkId), ct);
    }
}
