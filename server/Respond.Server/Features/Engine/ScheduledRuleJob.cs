using Quartz;

namespace Respond.Server.Features.Engine;

/// <summary>trigger.schedule: Quartz fires this on the rule's cron; the evaluator starts one instance per organization in scope.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduledRuleJob(RuleEvaluator evaluator) : IJob
{
    public const string Group = "schedule";
    public const string RuleId = "ruleId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await evaluator.RunScheduledAsync(context.MergedJobDataMap.GetString(RuleId)!, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, ct);

    /// <summary>Makes Quartz's cron jobs match the active scheduled rules: add, replace, remove.</summary>
    public static async Task SyncAsync(IScheduler scheduler, IReadOnlyList<Respond.Workflows.Runtime.CronTrigger> triggers, CancellationToken ct)
    {
        var wanted = triggers.ToDictionary(t => new JobKey(t.RuleId, Group));
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), ct))
            if (!wanted.ContainsKey(key)) await scheduler.DeleteJob(key, ct);
        foreach (var (key, trigger) in wanted) await ScheduleAsync(scheduler, key, trigger, ct);
    }

    /// <summary>Makes Quartz's cron job of one rule match it: scheduled (replaced) when <paramref name="trigger"/> is set, else removed.</summary>
    public static async Task SyncAsync(IScheduler scheduler, string ruleId, Respond.Workflows.Runtime.CronTrigger? trigger, CancellationToken ct)
    {
        var key = new JobKey(ruleId, Group);
        if (trigger is null) await scheduler.DeleteJob(key, ct);
        else await ScheduleAsync(scheduler, key, trigger, ct);
    }

    private static async Task ScheduleAsync(IScheduler scheduler, JobKey key, Respond.Workflows.Runtime.CronTrigger trigger, CancellationToken ct)
    {
        var job = JobBuilder.Create<ScheduledRuleJob>().WithIdentity(key).UsingJobData(RuleId, trigger.RuleId).Build();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(trigger.TimeZone);
        var cron = TriggerBuilder.Create().ForJob(job)
            .WithCronSchedule(trigger.Cron, c => c.InTimeZone(zone))
            .Build();
        await scheduler.ScheduleJob(job, new List<ITrigger> { cron }, new ScheduleJobOptions { Replace = true }, ct);
    }
}
