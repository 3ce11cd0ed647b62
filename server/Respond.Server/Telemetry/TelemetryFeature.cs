using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Telemetry;

/// <summary>
/// OpenTelemetry for Respond: metrics always (Respond's meter, ASP.NET Core, HttpClient, runtime) on a Prometheus scrape
/// endpoint and, when configured, OTLP; traces (HTTP in and out, EF Core commands, Respond's spans) only when an OTLP
/// endpoint or <see cref="TelemetryOptions.Tracing"/> asks for them, with logs (which carry the trace and span ids) beside them.
/// </summary>
public static class TelemetryFeature
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RespondMetrics>();
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(options.ServiceName))
            .WithMetrics(m =>
            {
                m.AddMeter(RespondTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (!string.IsNullOrEmpty(options.MetricsPath)) m.AddPrometheusExporter(p => p.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.OtlpEndpoint is not null) m.AddOtlpExporter(o => Otlp(o, options, "v1/metrics"));
            });
        if (!options.Traces) return services;
        telemetry.WithTracing(t =>
        {
            t.AddSource(RespondTelemetry.Name).AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path, options.MetricsPath))
                .AddHttpClientInstrumentation().AddEntityFrameworkCoreInstrumentation();
            if (options.OtlpEndpoint is not null) t.AddOtlpExporter(o => Otlp(o, options, "v1/traces"));
        }).WithLogging(l =>
        {
            if (options.OtlpEndpoint is not null) l.AddOtlpExporter(o => Otlp(o, options, "v1/logs"));
        });
        return services;
    }

    /// <summary>The scrape endpoint, answered only to loopback and <see cref="TelemetryOptions.MetricsAllowedNetworks"/> (others get 404, as if it were not there).</summary>
    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (string.IsNullOrEmpty(options.MetricsPath)) return app;
        var allowed = options.MetricsAllowedNetworks.Append("127.0.0.0/8").Append("::1").Select(n => OutboundOptions.TryParseNetwork(n, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>().ToArray();
        app.MapPrometheusScrapingEndpoint(options.MetricsPath, null, pipeline => pipeline.Use(async (http, next) =>
        {
            if (http.Connection.RemoteIpAddress is { } remote && allowed.Any(n => n.Contains(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))) await next(http);
            else http.Response.StatusCode = StatusCodes.Status404NotFound;
        }), null).AllowAnonymous();
        return app;
    }

    /// <summary>Probes and scrapes come every few seconds and say nothing about the work: no spans for them.</summary>
    private static bool IsProbe(PathString path, string metricsPath) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || (metricsPath.Length > 0 && path.StartsWithSegments(metricsPath));

    /// <summary>One collector address for the three signals: over HTTP each signal has its own path, which an endpoint set in code does not get added.</summary>
    private static void Otlp(OpenTelemetry.Exporter.OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        otlp.Protocol = options.OtlpProtocol;
        otlp.Endpoint = options.OtlpProtocol == OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
            ? new Uri(options.OtlpEndpoint!.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : options.OtlpEndpoint!;
    }
}
