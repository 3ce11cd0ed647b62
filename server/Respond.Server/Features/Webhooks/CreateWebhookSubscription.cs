using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

public sealed record CreateWebhookSubscriptionInput(string? OrganizationId, string Url, List<string> Events, string? Description);

public sealed class CreateWebhookSubscriptionInputType : InputObjectGraphType<CreateWebhookSubscriptionInput>
{
    public CreateWebhookSubscriptionInputType()
    {
        Name = "CreateWebhookSubscriptionInput";
        Field<IdGraphType>("organizationId").Description("The organization whose events it receives; omitted: every organization (an administrator of every organization only).");
        Field(i => i.Url).Description("https URL the events are POSTed to.");
        Field(i => i.Events).Description("alert.raised, approval.requested, approval.decided, approval.escalated, action.updated.");
        Field(i => i.Description, nullable: true);
    }
}

/// <summary>createWebhookSubscription: an administrator subscribes an endpoint; its signing secret is made here and shown once.</summary>
internal sealed class CreateWebhookSubscription(
    RespondDbContext db, WebhookSubscriptionValidation validation, WebhookSecrets secrets, WebhookSubscriptionCache cache, AuditTrail audit, TimeProvider time)
{
    public async Task<WebhookSubscriptionPayload> ExecuteAsync(CreateWebhookSubscriptionInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (input.OrganizationId is null && !by.SeesAllOrganizations)
            return WebhookSubscriptionPayload.Fail(new UserError(UserErrorCode.Forbidden, "A subscription to every organization needs an administrator of every organization; name an organization.", "organizationId"));
        if (input.OrganizationId is { } org && (!by.CanSee(org) || !await db.Organizations.AnyAsync(o => o.Id == org, ct)))
            return WebhookSubscriptionPayload.Fail(UserError.NotFound("organization", "organizationId"));
        var events = input.Events.Distinct(StringComparer.Ordinal).ToList();
        if ((WebhookSubscriptionValidation.Events(events) ?? WebhookSubscriptionValidation.Description(input.Description) ?? await validation.UrlAsync(input.Url, ct)) is { } invalid)
            return WebhookSubscriptionPayload.Fail(invalid);

        var secret = WebhookSecrets.NewSecret();
        var subscription = new WebhookSubscription
        {
            Id = "whs_" + Guid.NewGuid().ToString("N")[..20],
            OrganizationId = input.OrganizationId,
            Url = input.Url,
            Events = events,
            Description = input.Description,
            SecretProtected = secrets.Protect(secret),
            CreatedBy = by.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.Add(subscription);
        audit.Record(by, "webhook.created", "WebhookSubscription", subscription.Id, [input.OrganizationId ?? RespondPrincipal.AllOrganizations], null,
            new { subscription.Url, subscription.Events, subscription.Description });
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return new WebhookSubscriptionPayload(subscription, secret, []);
    }
}
