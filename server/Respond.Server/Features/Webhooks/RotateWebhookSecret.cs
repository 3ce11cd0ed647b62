using Microsoft.Extensions.Options;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// rotateWebhookSecret: a new signing secret, shown once. The previous one keeps signing beside it for
/// <see cref="WebhookOptions.SecretOverlap"/>, so the receiver can switch to the new secret without dropping messages.
/// </summary>
internal sealed class RotateWebhookSecret(RespondDbContext db, WebhookSecrets secrets, WebhookSubscriptionCache cache, AuditTrail audit, IOptions<WebhookOptions> options, TimeProvider time)
{
    public async Task<WebhookSubscriptionPayload> ExecuteAsync(string id, RespondPrincipal by, CancellationToken ct)
    {
        if (await WebhookSubscriptionValidation.FindVisibleAsync(db, id, by, ct) is not { } subscription)
            return WebhookSubscriptionPayload.Fail(UserError.NotFound("webhook subscription"));
        var secret = WebhookSecrets.NewSecret();
        subscription.PreviousSecretProtected = subscription.SecretProtected;
        subscription.PreviousSecretExpiresAt = time.GetUtcNow() + options.Value.SecretOverlap;
        subscription.SecretProtected = secrets.Protect(secret);
        subscription.Version++;
        audit.Record(by, "webhook.secretRotated", "WebhookSubscription", subscription.Id, [subscription.OrganizationId ?? RespondPrincipal.AllOrganizations], null,
            new { subscription.PreviousSecretExpiresAt });
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return new WebhookSubscriptionPayload(subscription, secret, []);
    }
}
