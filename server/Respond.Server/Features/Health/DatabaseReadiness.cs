using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Health;

/// <summary>The database answers and holds every migration this build expects.</summary>
internal sealed class DatabaseReadiness(IServiceScopeFactory scopes, ILogger<DatabaseReadiness> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        try
        {
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("The database is unreachable.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy("Reachable and migrated.")
                : HealthCheckResult.Unhealthy($"The database lacks {pending} migration(s) of this version; they apply at start-up.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            HealthLog.DatabaseUnreachable(logger, ex);
            return HealthCheckResult.Unhealthy("The database is unreachable.");
        }
    }
}
