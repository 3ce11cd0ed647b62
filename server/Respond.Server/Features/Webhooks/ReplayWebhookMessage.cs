using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// replayWebhookMessage: sends a message again, now, with its original webhook-id (a receiver that has it already
/// drops the repeat) and a fresh budget of attempts. Refused while the message is still being delivered.
/// </summary>
internal sealed class ReplayWebhookMessage(RespondDbContext db, WebhookSignal signal, AuditTrail audit, TimeProvider time)
{
    public async Task<WebhookMessagePayload> ExecuteAsync(string id, RespondPrincipal by, CancellationToken ct)
    {
        var message = await db.Set<WebhookMessage>().SingleOrDefaultAsync(m => m.Id == id, ct);
        var subscription = message is null ? null : await db.Set<WebhookSubscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == message.SubscriptionId, ct);
        if (message is null || subscription is null || !WebhookSubscriptionValidation.Visible(subscription, by))
            return new WebhookMessagePayload(null, [UserError.NotFound("webhook message")]);
        if (message.Status == WebhookMessageStatus.Pending)
            return new WebhookMessagePayload(null, [new UserError(UserErrorCode.InvalidState, "The message is still being delivered; replay it once it is delivered or given up.", "id")]);
        if (!subscription.Enabled)
            return new WebhookMessagePayload(null, [new UserError(UserErrorCode.InvalidState, "The subscription is disabled; enable it first.", "id")]);
        var before = message.Status;
        message.Status = WebhookMessageStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = time.GetUtcNow();
        message.LockedUntil = null;
        audit.Record(by, "webhook.replayed", "WebhookMessage", message.Id, [message.OrganizationId], new { Status = before }, new { message.Status });
        await db.SaveChangesAsync(ct);
        signal.Wake();
        var attempts = await db.Set<WebhookAttempt>().AsNoTracking().Where(a => a.MessageId == id).OrderBy(a => a.Id).ToListAsync(ct);
        return new WebhookMessagePayload(new WebhookMessageView(message, attempts), []);
    }
}
