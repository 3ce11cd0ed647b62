using GraphQL.Types;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

public sealed record UpdateWebhookSubscriptionInput(string Id, string? Url, List<string>? Events, string? Description, bool? Enabled);

public sealed class UpdateWebhookSubscriptionInputType : InputObjectGraphType<UpdateWebhookSubscriptionInput>
{
    public UpdateWebhookSubscriptionInputType()
    {
        Name = "UpdateWebhookSubscriptionInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Url, nullable: true);
        Field(i => i.Events, nullable: true);
        Field(i => i.Description, nullable: true);
        Field(i => i.Enabled, nullable: true).Description("false disables it; true enables it again and clears its failure count.");
    }
}

/// <summary>updateWebhookSubscription: changes what is given (url, events, description, enabled); the rest stays.</summary>
internal sealed class UpdateWebhookSubscription(RespondDbContext db, WebhookSubscriptionValidation validation, WebhookSubscriptionCache cache, AuditTrail audit)
{
    public async Task<WebhookSubscriptionPayload> ExecuteAsync(UpdateWebhookSubscriptionInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await WebhookSubscriptionValidation.FindVisibleAsync(db, input.Id, by, ct) is not { } subscription)
            return WebhookSubscriptionPayload.Fail(UserError.NotFound("webhook subscription"));
        var events = input.Events?.Distinct(StringComparer.Ordinal).ToList();
        var invalid = (events is null ? null : WebhookSubscriptionValidation.Events(events)) ?? WebhookSubscriptionValidation.Description(input.Description)
            ?? (input.Url is null ? null : await validation.UrlAsync(input.Url, ct));
        if (invalid is not null) return WebhookSubscriptionPayload.Fail(invalid);

        var before = new { subscription.Url, subscription.Events, subscription.Description, subscription.Enabled };
        if (input.Url is not null) subscription.Url = input.Url;
        if (events is not null) subscription.Events = events;
        if (input.Description is not null) subscription.Description = input.Description;
        if (input.Enabled is { } enabled && enabled != subscription.Enabled)
        {
            subscription.Enabled = enabled;
            subscription.DisabledReason = null;
            subscription.ConsecutiveFailures = 0;
        }
        subscription.Version++;
        audit.Record(by, "webhook.updated", "WebhookSubscription", subscription.Id, [subscription.OrganizationId ?? RespondPrincipal.AllOrganizations], before,
            new { subscription.Url, subscription.Events, subscription.Description, subscription.Enabled });
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return new WebhookSubscriptionPayload(subscription, null, []);
    }
}
