using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

/// <summary>deleteWebhookSubscription: nothing more is sent to it (messages still pending are given up at their next attempt); its delivery log stays until the retention ends.</summary>
internal sealed class DeleteWebhookSubscription(RespondDbContext db, WebhookSubscriptionCache cache, AuditTrail audit)
{
    public async Task<WebhookSubscriptionPayload> ExecuteAsync(string id, RespondPrincipal by, CancellationToken ct)
    {
        if (await WebhookSubscriptionValidation.FindVisibleAsync(db, id, by, ct) is not { } subscription)
            return WebhookSubscriptionPayload.Fail(UserError.NotFound("webhook subscription"));
        db.Remove(subscription);
        audit.Record(by, "webhook.deleted", "WebhookSubscription", subscription.Id, [subscription.OrganizationId ?? RespondPrincipal.AllOrganizations],
            new { subscription.Url, subscription.Events }, null);
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return new WebhookSubscriptionPayload(subscription, null, []);
    }
}
