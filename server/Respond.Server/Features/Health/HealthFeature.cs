using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Respond.Server.Features.Health;

/// <summary>
/// `/healthz`: the process answers (liveness: restart it when this fails). `/readyz`: it can do its work (readiness:
/// send it traffic only when this passes): database reachable and migrated, scheduler running, script workers warm,
/// evaluation within Respond:Engine:MaxEvaluationLag. Both answer JSON naming every check and what failed.
/// </summary>
public static class HealthFeature
{
    private const string Ready = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: [Ready])
            .AddCheck<SchedulerReadiness>("scheduler", tags: [Ready])
            .AddCheck<ScriptWorkersReadiness>("scriptWorkers", tags: [Ready])
            .AddCheck<EvaluationLagReadiness>("evaluationLag", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    /// <summary>`{ status, checks: [{ name, status, description }] }`; descriptions say what failed, never exception text.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), http.RequestAborted);
    }
}
