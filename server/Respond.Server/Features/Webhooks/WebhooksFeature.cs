using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

/// <summary>Outbound webhooks for partners (issue 16, docs/partners.md): subscriptions, the outbox and its dispatcher, the delivery log.</summary>
public static class WebhooksFeature
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .ValidateDataAnnotations().Validate(o => o.IsValid, "Respond:Webhooks needs positive delays and timeouts, MaxRetryDelay >= FirstRetryDelay.").ValidateOnStart();
        services.AddSingleton<WebhookSubscriptionCache>().AddSingleton<WebhookSignal>().AddSingleton<WebhookSecrets>().AddSingleton<WebhookOutboxWriter>();
        services.AddSingleton<WebhookDispatcher>().AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services.AddScoped<WebhookSubscriptionValidation>().AddScoped<CreateWebhookSubscription>().AddScoped<UpdateWebhookSubscription>()
            .AddScoped<RotateWebhookSecret>().AddScoped<DeleteWebhookSubscription>().AddScoped<ReplayWebhookMessage>();
    }

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookSubscriptionType>>>>("webhookSubscriptions")
            .Description("Admin: the webhook subscriptions of your organizations (and, for an administrator of every organization, the global ones), newest first.")
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var organizationId = c.GetArgument<string?>("organizationId");
                var all = await c.Service<RespondDbContext>().Set<WebhookSubscription>().AsNoTracking()
                    .Where(s => organizationId == null || s.OrganizationId == organizationId).OrderByDescending(s => s.CreatedAt).ToListAsync(c.CancellationToken);
                return all.Where(s => WebhookSubscriptionValidation.Visible(s, by)).ToList();
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookMessageType>>>>("webhookMessages")
            .Description("Admin: a subscription's messages with their delivery attempts, newest first (at most 100).")
            .Argument<NonNullGraphType<IdGraphType>>("subscriptionId")
            .Argument<EnumerationGraphType<WebhookMessageStatus>>("status")
            .Argument<IntGraphType>("first", "Default 50, at most 100.")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var db = c.Service<RespondDbContext>();
                var id = c.GetArgument<string>("subscriptionId");
                var subscription = await db.Set<WebhookSubscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, c.CancellationToken);
                if (subscription is null || !WebhookSubscriptionValidation.Visible(subscription, by))
                    throw new ExecutionError("No webhook subscription with that id is visible to you.") { Code = UserErrorCode.NotFound.ToSchemaName() };
                var status = c.GetArgument<WebhookMessageStatus?>("status");
                var first = Math.Clamp(c.GetArgument("first", 50), 1, 100);
                var messages = await db.Set<WebhookMessage>().AsNoTracking().Where(m => m.SubscriptionId == id && (status == null || m.Status == status))
                    .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(first).ToListAsync(c.CancellationToken);
                var ids = messages.Select(m => m.Id).ToList();
                var attempts = (await db.Set<WebhookAttempt>().AsNoTracking().Where(a => ids.Contains(a.MessageId)).OrderBy(a => a.Id).ToListAsync(c.CancellationToken))
                    .ToLookup(a => a.MessageId);
                return messages.Select(m => new WebhookMessageView(m, [.. attempts[m.Id]])).ToList();
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<WebhookSubscriptionPayloadType>>("createWebhookSubscription").Argument<NonNullGraphType<CreateWebhookSubscriptionInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateWebhookSubscription>().ExecuteAsync(c.GetArgument<CreateWebhookSubscriptionInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<WebhookSubscriptionPayloadType>>("updateWebhookSubscription").Argument<NonNullGraphType<UpdateWebhookSubscriptionInputType>>("input")
            .ResolveAsync(async c => await c.Service<UpdateWebhookSubscription>().ExecuteAsync(c.GetArgument<UpdateWebhookSubscriptionInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<WebhookSubscriptionPayloadType>>("rotateWebhookSecret").Argument<NonNullGraphType<WebhookSubscriptionIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<RotateWebhookSecret>().ExecuteAsync(c.GetArgument<WebhookIdInput>("input").Id, c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<WebhookSubscriptionPayloadType>>("deleteWebhookSubscription").Argument<NonNullGraphType<WebhookSubscriptionIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<DeleteWebhookSubscription>().ExecuteAsync(c.GetArgument<WebhookIdInput>("input").Id, c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<WebhookMessagePayloadType>>("replayWebhookMessage").Argument<NonNullGraphType<WebhookMessageIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<ReplayWebhookMessage>().ExecuteAsync(c.GetArgument<WebhookIdInput>("input").Id, c.Require(Roles.Admin), c.CancellationToken));
    }
}
