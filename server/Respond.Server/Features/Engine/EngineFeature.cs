using Microsoft.EntityFrameworkCore;
using Quartz;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

public static class EngineFeature
{
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section)
            .Validate(o => o.WindowFlushInterval > TimeSpan.Zero, "Respond:Engine:WindowFlushInterval must be positive.").ValidateOnStart();
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section)
            .Validate(o => o.DefaultTimeout > TimeSpan.Zero, "Respond:Approvals:DefaultTimeout must be positive.")
            .Validate(o => o.RuleActivationTimeout > TimeSpan.Zero, "Respond:Approvals:RuleActivationTimeout must be positive.").ValidateOnStart();
        services.AddSingleton<RuleIndex>();
        services.AddSingleton<WindowCache>();
        services.AddSingleton<OpenAlertIndex>();
        services.AddSingleton<RuleEvaluator>();
        services.AddSingleton<IResumeScheduler, QuartzResumeScheduler>();
        services.AddScoped<EngineUnitOfWork>();
        services.AddHostedService<WindowPersistence>();
        return services;
    }

    /// <summary>Loads active rules and window state, and schedules again every timer that was pending at shutdown.</summary>
    public static async Task StartEngineAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var index = services.GetRequiredService<RuleIndex>();
        await index.ReloadAsync(ct);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var windows = services.GetRequiredService<WindowCache>();
        await windows.LoadAsync(db, ct);
        await services.GetRequiredService<OpenAlertIndex>().LoadAsync(db, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        var scheduler = services.GetRequiredService<IResumeScheduler>();
        var suspended = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.Status == nameof(InstanceStatus.Suspended) && i.ResumeAt != null).ToListAsync(ct);
        foreach (var instance in suspended)
        {
            var bookmark = System.Text.Json.JsonSerializer.Deserialize<Bookmark>(instance.BookmarkJson!, RespondDbContext.JsonOptions)!;
            await scheduler.ScheduleAsync(instance.Id, bookmark.Id, instance.ResumeAt!.Value, ct);
        }
        EngineLog.Ready(services.GetRequiredService<ILogger<RuleEvaluator>>(), index.Active.Count, await db.WindowStates.CountAsync(ct), suspended.Count);
    }
}
