using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

public sealed record PartitionLag(string OrganizationId, long Events, double Seconds, long Checkpoint, long Head);

public sealed record EvaluationLagReport(long Events, double Seconds, long MaxEvents, bool Paused, double EventsPerSecond, IReadOnlyList<PartitionLag> Partitions);

/// <summary>`evaluationLag`: how far evaluation is behind the log, in events and in seconds (the oldest event not yet evaluated), per organization.</summary>
internal sealed class ReadEvaluationLag(RespondDbContext db, EvaluationPartitions partitions, PartitionOwnership ownership, EvaluationBackpressure backpressure,
    EventLogEvaluator evaluator, TimeProvider time)
{
    public async Task<EvaluationLagReport> ExecuteAsync(RespondPrincipal by, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lags = new List<PartitionLag>();
        foreach (var partition in partitions.All.Where(p => by.CanSee(p.OrganizationId)).OrderBy(p => p.OrganizationId, StringComparer.Ordinal))
        {
            if (ownership.LeasedElsewhere(partition.OrganizationId))
            {
                lags.Add(await StoredLagAsync(partition.OrganizationId, now, ct));
                continue;
            }
            var checkpoint = partition.Checkpoint;
            var oldest = partition.HasWork
                ? await db.Events.AsNoTracking().Where(e => e.OrganizationId == partition.OrganizationId && e.Sequence > checkpoint)
                    .OrderBy(e => e.Sequence).Select(e => (DateTimeOffset?)e.ReceivedAt).FirstOrDefaultAsync(ct)
                : null;
            lags.Add(new PartitionLag(partition.OrganizationId, partition.Pending, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0, checkpoint, partition.Head));
        }
        return new EvaluationLagReport(lags.Sum(l => l.Events), lags.Count == 0 ? 0 : lags.Max(l => l.Seconds), backpressure.Limit, evaluator.Paused,
            backpressure.EventsPerSecond, lags);
    }

    /// <summary>
    /// A partition another node evaluates: what this node counted of it is only what it appended itself, never what the
    /// holder evaluated, so its lag is read from the log and the holder's checkpoint.
    /// </summary>
    private async Task<PartitionLag> StoredLagAsync(string organizationId, DateTimeOffset now, CancellationToken ct)
    {
        var checkpoint = await db.EvaluationCheckpoints.AsNoTracking().Where(c => c.OrganizationId == organizationId)
            .Select(c => (long?)c.Sequence).SingleOrDefaultAsync(ct) ?? 0;
        var pending = db.Events.AsNoTracking().Where(e => e.OrganizationId == organizationId && e.Sequence > checkpoint);
        var events = await pending.LongCountAsync(ct);
        var head = events == 0 ? checkpoint : await pending.MaxAsync(e => e.Sequence, ct);
        var oldest = events == 0 ? null : await pending.OrderBy(e => e.Sequence).Select(e => (DateTimeOffset?)e.ReceivedAt).FirstOrDefaultAsync(ct);
        return new PartitionLag(organizationId, events, oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0, checkpoint, head);
    }
}

public sealed class PartitionLagType : ObjectGraphType<PartitionLag>
{
    public PartitionLagType()
    {
        Name = "PartitionLag";
        Description = "One evaluation partition (an organization).";
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<NonNullGraphType<LongGraphType>>("events").Description("Events stored and not yet evaluated.").Resolve(c => c.Source.Events);
        Field(l => l.Seconds).Description("Age of the oldest event not yet evaluated (since it was received).");
        Field<NonNullGraphType<LongGraphType>>("checkpoint").Description("Sequence of the last event evaluated or parked.").Resolve(c => c.Source.Checkpoint);
        Field<NonNullGraphType<LongGraphType>>("head").Description("Sequence of the newest event stored.").Resolve(c => c.Source.Head);
    }
}

public sealed class EvaluationLagType : ObjectGraphType<EvaluationLagReport>
{
    public EvaluationLagType()
    {
        Name = "EvaluationLag";
        Description = "How far rule evaluation is behind the event log (organizations you can see).";
        Field<NonNullGraphType<LongGraphType>>("events").Description("Events stored and not yet evaluated.").Resolve(c => c.Source.Events);
        Field(l => l.Seconds).Description("Age of the oldest event not yet evaluated, in seconds.");
        Field<NonNullGraphType<LongGraphType>>("maxEvents").Description("Respond:Engine:MaxEvaluationLag: past this many (over all organizations), ingestion answers 503 / EVALUATION_BEHIND with a retry delay.").Resolve(c => c.Source.MaxEvents);
        Field(l => l.Paused).Description("Evaluation is paused (maintenance); events are still stored.");
        Field(l => l.EventsPerSecond).Description("Evaluation rate measured over the last seconds of work.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PartitionLagType>>>>("partitions").Resolve(c => c.Source.Partitions);
    }
}
