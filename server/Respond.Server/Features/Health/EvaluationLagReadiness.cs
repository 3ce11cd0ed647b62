using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Engine;

namespace Respond.Server.Features.Health;

/// <summary>Evaluation keeps up: events stored and not yet evaluated stay within Respond:Engine:MaxEvaluationLag.</summary>
internal sealed class EvaluationLagReadiness(EvaluationPartitions partitions, IOptions<EngineOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var pending = partitions.Pending;
        var limit = options.Value.MaxEvaluationLag;
        return Task.FromResult(pending <= limit
            ? HealthCheckResult.Healthy($"{pending} event(s) awaiting evaluation (limit {limit}).")
            : HealthCheckResult.Unhealthy($"{pending} event(s) awaiting evaluation, beyond Respond:Engine:MaxEvaluationLag ({limit})."));
    }
}
