using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

public static class EngineFeature
{
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.WindowEvictionInterval > TimeSpan.Zero, "Respond:Engine:WindowEvictionInterval must be positive.").ValidateOnStart();
        services.AddSingleton<RuleIndex>();
        services.AddSingleton<Alerts.IAlertEvidenceFields, AlertRuleExecution>();
        services.AddSingleton<Rules.IRunningRules>(sp => sp.GetRequiredService<RuleIndex>());
        services.AddSingleton<EvaluationPartitions>();
        services.AddSingleton<EvaluationBackpressure>();
        services.AddSingleton<Events.IEventLogReaders, EventLogReaders>();
        services.AddSingleton<WindowSnapshotWriter>();
        services.AddSingleton<RuleEvaluator>();
        services.AddSingleton<Actions.IActionWaiters>(sp => sp.GetRequiredService<RuleEvaluator>());
        services.AddSingleton<Approvals.IApprovalWaiters>(sp => sp.GetRequiredService<RuleEvaluator>());
        services.AddSingleton<EventLogEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<EventLogEvaluator>());
        services.AddSingleton<PartitionLeaseManager>();
        services.AddHostedService(sp => sp.GetRequiredService<PartitionLeaseManager>());
        services.AddSingleton<IResumeScheduler, QuartzResumeScheduler>();
        services.AddScoped<EngineUnitOfWork>();
        services.AddScoped<Rules.IRuleRunHistory, StoredRuns>();
        services.AddScoped<Actions.ITriggeringEvents, StoredRuns>();
        services.AddScoped<ReadEvaluationLag>();
        services.AddScoped<RetryParkedEvent>();
        return services;
    }

    /// <summary>
    /// Loads active rules and (on one node) each partition's checkpoint and state, and schedules again every timer that
    /// was pending at shutdown. In a cluster a partition is loaded when this node takes its lease (PartitionLeaseManager).
    /// </summary>
    public static async Task StartEngineAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var index = services.GetRequiredService<RuleIndex>();
        await index.ReloadAsync(ct);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var partitions = services.GetRequiredService<EvaluationPartitions>();
        if (!services.GetRequiredService<PartitionOwnership>().Clustered)
        {
            await partitions.LoadAsync(db, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
            var evaluator = services.GetRequiredService<RuleEvaluator>();
            foreach (var partition in partitions.All) await evaluator.ReplayWindowsAsync(partition, ct);
        }
        // A node joining a cluster takes its first share before it answers requests.
        else await services.GetRequiredService<PartitionLeaseManager>().TickAsync(ct);
        var scheduler = services.GetRequiredService<IResumeScheduler>();
        var suspended = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.Status == nameof(InstanceStatus.Suspended) && i.ResumeAt != null).ToListAsync(ct);
        foreach (var instance in suspended)
        {
            var bookmark = System.Text.Json.JsonSerializer.Deserialize<Bookmark>(instance.BookmarkJson!, RespondDbContext.JsonOptions)!;
            await scheduler.ScheduleAsync(instance.Id, bookmark.Id, instance.ResumeAt!.Value, ct);
        }
        EngineLog.Ready(services.GetRequiredService<ILogger<RuleEvaluator>>(), index.Active.Count, partitions.All.Count, partitions.Pending, suspended.Count);
    }

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<EvaluationLagType>>("evaluationLag")
            .Description("How far rule evaluation is behind the event log, in events and seconds (Admin, Ingestor).")
            .ResolveAsync(async c => await c.Service<ReadEvaluationLag>().ExecuteAsync(c.Require(Roles.Admin, Roles.Ingestor), c.CancellationToken));
        ParkedEventsQuery.Query(query);
    }

    public static void Mutation(ObjectGraphType mutation) => RetryParkedEvent.Mutation(mutation);
}
