using System.ComponentModel.DataAnnotations;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Telemetry;

/// <summary>The <c>Respond:Telemetry</c> section: the Prometheus scrape endpoint, OTLP export and tracing (docs/configuration.md).</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Respond:Telemetry";

    /// <summary>Path of the Prometheus scrape endpoint; empty turns it off.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// Who may scrape besides loopback (always allowed): CIDR blocks or addresses the request must come from. Empty by
    /// default, because the endpoint has no credentials (Prometheus scrapers rarely carry a token) and tells a stranger
    /// how busy the installation is; list the scraper's network to open it.
    /// </summary>
    public List<string> MetricsAllowedNetworks { get; set; } = [];

    /// <summary>OTLP collector (e.g. http://otel-collector:4317); traces, metrics and logs are exported there when set.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
    public OpenTelemetry.Exporter.OtlpExportProtocol OtlpProtocol { get; set; } = OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;

    /// <summary>
    /// Records spans even without an OTLP endpoint (another exporter added in code, e.g. tests). Spans are recorded
    /// whenever an OTLP endpoint is set; without either, nothing is recorded and spans cost nothing.
    /// </summary>
    public bool Tracing { get; set; }

    /// <summary>Service name reported with every span, metric and log (<c>service.name</c>).</summary>
    [Required] public string ServiceName { get; set; } = "respond";

    public bool Traces => Tracing || OtlpEndpoint is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        MetricsAllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n) && !OutboundOptions.TryParseNetwork(n, out _))
            .Select(n => new ValidationResult($"Respond:Telemetry:MetricsAllowedNetworks: '{n}' is not a CIDR block such as 10.20.0.0/16 or an address.", [nameof(MetricsAllowedNetworks)]));
}
