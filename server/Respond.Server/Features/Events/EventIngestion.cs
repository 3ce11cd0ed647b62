using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Settings;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Server.Telemetry;

namespace Respond.Server.Features.Events;

public sealed class IngestionOptions
{
    public const string Section = "Respond:Ingestion";

    /// <summary>Most events in one request (GraphQL or POST /api/events).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)] public int MaxBatchSize { get; set; } = 10_000;

    /// <summary>Events validated and appended to the log per transaction while a request streams in.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)] public int ChunkSize { get; set; } = 1_000;
}

public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<UserError> Errors, bool OverLimit, int? RetryAfter = null)
{
    /// <summary>Evaluation is too far behind: nothing of the batch was read or stored; send it again after <paramref name="retryAfter"/> seconds.</summary>
    public static IngestResult Behind(int retryAfter) => new(0, 0,
        [new UserError(UserErrorCode.EvaluationBehind, $"Rule evaluation is behind; nothing of this batch was stored. Send it again in {retryAfter} s.", ["input", "events"])],
        false, retryAfter);
}

/// <summary>
/// Validate and append to the log: events stream in, are validated one by one (errors name the index and field) and
/// appended in chunks (a replay of (organization, source, id) is a duplicate and changes nothing). The sender is
/// answered once they are durable; the evaluator runs them through the rules from the log, unless Respond is off for
/// the event's organization (docs/how-rules-run.md). Events for organizations the caller does not hold are refused one
/// by one and the attempt is audited. When evaluation is too far behind, the batch is refused before it is read
/// (backpressure) and the sender told when to come back.
/// </summary>
public sealed class EventIngestion(RespondDbContext db, EventStore store, IEventLogReaders readers, AuthorizationRefusals refusals, RespondMetrics metrics,
    IOptions<IngestionOptions> options)
{
    public const int MaxErrorsReported = 100;

    /// <summary>Ingests <c>events</c> for <c>by</c>; <c>operation</c> (the GraphQL field or REST route called) names the attempt in the audit of refused events.</summary>
    public async Task<IngestResult> IngestAsync(IAsyncEnumerable<JsonElement> events, RespondPrincipal by, string operation, CancellationToken ct)
    {
        using var span = RespondTelemetry.Source.StartActivity("ingest events");
        span?.SetTag("respond.operation", operation);
        if (readers.RetryAfter() is { } retryAfter)
        {
            metrics.BatchRefused();
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "EVALUATION_BEHIND");
            return IngestResult.Behind(retryAfter);
        }
        var limit = options.Value.MaxBatchSize;
        var organizations = (await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var chunk = new List<ParsedEvent>(options.Value.ChunkSize);
        var errors = new List<UserError>();
        int index = 0, accepted = 0, duplicates = 0, rejected = 0, foreign = 0;
        var overLimit = false;

        async Task FlushAsync()
        {
            if (chunk.Count == 0) return;
            var inserted = await store.InsertAsync(chunk, ct);
            accepted += inserted.Count;
            duplicates += chunk.Count - inserted.Count;
            foreach (var appended in inserted.GroupBy(i => i.Event.OrganizationId, StringComparer.Ordinal))
                readers.Appended(appended.Key, appended.Count(), appended.Max(i => i.Sequence));
            chunk.Clear();
        }

        await foreach (var element in events.WithCancellation(ct))
        {
            if (index >= limit)
            {
                overLimit = true;
                break;
            }
            var (parsed, error) = EventParser.Parse(element, index);
            if (parsed is not null && !(organizations.Contains(parsed.OrganizationId) && by.CanSee(parsed.OrganizationId)))
            {
                foreign++;
                error = new UserError(UserErrorCode.InvalidEvent, $"events[{index}].organizationId: '{parsed.OrganizationId}' is not one of your organizations",
                    ["input", "events", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "organizationId"]);
            }
            if (error is not null)
            {
                rejected++;
                if (errors.Count < MaxErrorsReported) errors.Add(error);
            }
            else chunk.Add(parsed!);
            index++;
            if (chunk.Count >= options.Value.ChunkSize) await FlushAsync();
        }
        await FlushAsync();
        metrics.Ingested(accepted, duplicates, rejected);
        span?.SetTag("respond.events.accepted", accepted).SetTag("respond.events.duplicates", duplicates).SetTag("respond.events.rejected", rejected);
        if (foreign > 0)
            await refusals.RecordAsync(by, operation, "FOREIGN_ORGANIZATION",
                $"{foreign} event(s) named an organization that is not one of the caller's; they were refused and not stored.");
        if (overLimit)
            errors.Insert(0, new UserError(UserErrorCode.BatchTooLarge,
                $"A request may carry at most {limit} events; the first {limit} were processed and the rest were not read. Send the rest in another request (replays are harmless).",
                ["input", "events"]));
        return new IngestResult(accepted, duplicates, errors, overLimit);
    }
}
