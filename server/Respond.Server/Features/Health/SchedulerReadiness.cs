using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Respond.Server.Features.Health;

/// <summary>Quartz runs: queued actions, verifications, approval expiries and timers depend on it.</summary>
internal sealed class SchedulerReadiness(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var status = await scheduler.GetStatus(ct);
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("Running.")
            : HealthCheckResult.Unhealthy($"The scheduler is not running ({status}).");
    }
}
