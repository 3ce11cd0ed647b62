using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Settings;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

public sealed record RetryParkedEventInput(string Id);

public sealed record RetryParkedEventPayload(bool Evaluated, ParkedEvent? ParkedEvent, IReadOnlyList<UserError> Errors);

/// <summary>
/// `retryParkedEvent`: evaluates a parked event again, now (after its organization's later events: windows see it late).
/// Success removes it from the parked events in the same transaction as its effects; another failure keeps it parked
/// with the new reason. Either way the attempt is audited in the transaction of its outcome.
/// </summary>
internal sealed class RetryParkedEvent(RespondDbContext db, Audit.AuditTrail audit, RuleEvaluator evaluator, TimeProvider time, ILogger<RetryParkedEvent> logger)
{
    public async Task<RetryParkedEventPayload> ExecuteAsync(RetryParkedEventInput input, RespondPrincipal by, CancellationToken ct)
    {
        ParkedEvent? parked = null;
        if (long.TryParse(input.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            parked = await db.ParkedEvents.WhereOrganizationVisibleTo(p => p.OrganizationId, by).SingleOrDefaultAsync(p => p.Sequence == sequence, ct);
        if (parked is null) return new RetryParkedEventPayload(false, null, [UserError.NotFound("parked event")]);
        var stored = await db.Events.AsNoTracking().SingleAsync(e => e.Sequence == parked.Sequence, ct);
        var enabled = await db.IsRespondOnAsync(parked.OrganizationId, ct);
        try
        {
            await evaluator.RetryParkedAsync(stored, enabled, by, ct);
            EngineLog.ParkedEventEvaluated(logger, parked.Sequence, parked.OrganizationId, by.Id);
            return new RetryParkedEventPayload(true, null, []);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            parked.Attempts++;
            parked.Reason = Truncate($"{ex.GetType().Name}: {ex.Message}");
            parked.LastRetriedAt = time.GetUtcNow();
            audit.Record(by, "event.retried", "ParkedEvent", input.Id, [parked.OrganizationId], null, new { parked.EventId, parked.Source, Evaluated = false, parked.Reason });
            await db.SaveChangesAsync(ct);
            EngineLog.EventFailed(logger, parked.Sequence, parked.EventId, parked.OrganizationId, parked.Attempts, ex);
            return new RetryParkedEventPayload(false, parked, [new UserError(UserErrorCode.EvaluationFailed, "The event failed again and stays parked; see its reason.", "id")]);
        }
    }

    private static string Truncate(string text) => text.Length > 2000 ? text[..2000] : text;

    public static void Mutation(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<RetryParkedEventPayloadType>>("retryParkedEvent")
            .Description("Evaluates a parked event again (Admin).")
            .Argument<NonNullGraphType<RetryParkedEventInputType>>("input")
            .ResolveAsync(async c => await c.Service<RetryParkedEvent>()
                .ExecuteAsync(c.GetArgument<RetryParkedEventInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
}

public sealed class RetryParkedEventInputType : InputObjectGraphType<RetryParkedEventInput>
{
    public RetryParkedEventInputType()
    {
        Name = "RetryParkedEventInput";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The parked event's id (its sequence).");
    }
}

public sealed class RetryParkedEventPayloadType : ObjectGraphType<RetryParkedEventPayload>
{
    public RetryParkedEventPayloadType()
    {
        Name = "RetryParkedEventPayload";
        Field(p => p.Evaluated).Description("The event was evaluated and is no longer parked.");
        Field<ParkedEventType>("parkedEvent").Description("Still parked: the event with its new reason.").Resolve(c => c.Source.ParkedEvent);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
