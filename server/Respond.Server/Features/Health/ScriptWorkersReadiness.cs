using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Health;

/// <summary>
/// The Run Script worker pool has all its workers running. The pool starts with its first use, and the first readiness
/// probe is such a use: the node turns ready once a script would not wait for workers to start. The probe never waits
/// for them (probes have short timeouts); it restarts workers that failed to start and reports how many are warm.
/// </summary>
internal sealed class ScriptWorkersReadiness(IServiceProvider services, IOptions<ScriptWorkerPoolOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var pool = services.GetRequiredService<ScriptWorkerPool>();
        pool.RestartFailedStarts();
        var warm = pool.WorkerProcessIds.Count;
        var wanted = options.Value.Workers;
        return Task.FromResult(warm >= wanted
            ? HealthCheckResult.Healthy($"{warm} worker(s) warm.")
            : HealthCheckResult.Unhealthy($"{warm} of {wanted} script worker(s) warm; the others are starting (a failed start is retried at each probe)."));
    }
}
