using System.Diagnostics;

namespace Respond.Server.Telemetry;

/// <summary>
/// The names Respond reports under: one <see cref="ActivitySource"/> for its own spans (ingestion batches, evaluation
/// chunks, GraphQL operations, actions and connector calls) and one meter (<see cref="RespondMetrics"/>). Spans are per
/// batch, chunk or call, never per event: the ingest hot path only adds to counters.
/// </summary>
public static class RespondTelemetry
{
    public const string Name = "Respond";

    public static readonly ActivitySource Source = new(Name);
}
