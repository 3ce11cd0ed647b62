using Quartz;

namespace Respond.Server.Tests;

/// <summary>Waits on the Quartz scheduler's own signals (its listeners), never on the clock.</summary>
public static class QuartzWaits
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Fires <paramref name="key"/> now and returns once that firing has run to the end (the scheduler's JobWasExecuted),
    /// so whatever the job commits is in the database; fails when the job threw or did not finish within the limit.
    /// </summary>
    public static async Task RunNowAsync(this IScheduler scheduler, JobKey key)
    {
        var listener = new JobFinished(key);
        scheduler.ListenerManager.AddJobListener(listener, [Matchers.Key(key)]);
        try
        {
            await scheduler.TriggerJob(key);
            var exception = await listener.Done.Task.WaitAsync(Limit);
            if (exception is not null) throw new Xunit.Sdk.XunitException($"Job {key} threw: {exception}");
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Job {key} did not finish within {Limit.TotalSeconds:0} s.");
        }
        finally
        {
            scheduler.ListenerManager.RemoveJobListener(listener.Name);
        }
    }

    /// <summary>
    /// Returns once the job <paramref name="key"/> has a trigger still to fire: one already stored, or one scheduled while
    /// waiting (JobScheduled). A trigger that has fired and whose job is still running has none left, so this tells a job
    /// scheduled again from inside its own run apart from that run.
    /// </summary>
    public static async Task WaitForPendingTriggerAsync(this IScheduler scheduler, JobKey key)
    {
        var listener = new JobScheduledListener(key);
        scheduler.ListenerManager.AddSchedulerListener(listener);
        try
        {
            // Listening first, then looking: a trigger stored in between is seen by one or the other.
            if ((await scheduler.GetTriggersOfJob(key)).Any(t => t.NextFireTimeUtc is not null)) return;
            await listener.Scheduled.Task.WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"No trigger for job {key} was scheduled within {Limit.TotalSeconds:0} s.");
        }
        finally
        {
            scheduler.ListenerManager.RemoveSchedulerListener(listener.Name);
        }
    }

    private sealed class JobFinished(JobKey key) : IJobListener
    {
        public TaskCompletionSource<JobExecutionException?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name { get; } = $"test-wait-{key}-{Guid.NewGuid():N}";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken ct = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken ct = default)
        {
            Done.TrySetException(new Xunit.Sdk.XunitException($"Job {key} was vetoed."));
            return ValueTask.CompletedTask;
        }

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken ct = default)
        {
            if (context.JobDetail.Key.Equals(key)) Done.TrySetResult(jobException);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class JobScheduledListener(JobKey key) : ISchedulerListener
    {
        public TaskCompletionSource Scheduled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name { get; } = $"test-wait-{key}-{Guid.NewGuid():N}";

        public ValueTask JobScheduled(IScheduler scheduler, ITrigger trigger, CancellationToken ct = default)
        {
            if (trigger.JobKey.Equals(key)) Scheduled.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
