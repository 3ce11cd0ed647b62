using System.Text.Json;
using GraphQL.Types;
using Respond.Server.GraphQL;

namespace Respond.Server.Features.Webhooks;

/// <summary>The input of the mutations that name one subscription or one message by its id.</summary>
public sealed record WebhookIdInput(string Id);

public sealed class WebhookSubscriptionIdInputType : InputObjectGraphType<WebhookIdInput>
{
    public WebhookSubscriptionIdInputType()
    {
        Name = "WebhookSubscriptionIdInput";
        Field<NonNullGraphType<IdGraphType>>("id");
    }
}

public sealed class WebhookMessageIdInputType : InputObjectGraphType<WebhookIdInput>
{
    public WebhookMessageIdInputType()
    {
        Name = "WebhookMessageIdInput";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The message id (its webhook-id).");
    }
}

public sealed class WebhookSubscriptionType : ObjectGraphType<WebhookSubscription>
{
    public WebhookSubscriptionType()
    {
        Name = "WebhookSubscription";
        Description = "A partner endpoint receiving Respond's events, signed per Standard Webhooks (docs/partners.md).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<IdGraphType>("organizationId").Description("Null: every organization (made by an administrator of every organization).").Resolve(c => c.Source.OrganizationId);
        Field(s => s.Url);
        Field(s => s.Events).Description("alert.raised, approval.requested, approval.decided, approval.escalated, action.updated.");
        Field(s => s.Description, nullable: true);
        Field(s => s.Enabled);
        Field(s => s.DisabledReason, nullable: true).Description("Why Respond disabled it (deliveries kept failing); null when enabled or disabled by a person.");
        Field(s => s.ConsecutiveFailures).Description("Messages given up in a row since the last delivery.");
        Field(s => s.PreviousSecretExpiresAt, nullable: true).Description("After a rotation: until when the previous secret still signs beside the new one.");
        Field(s => s.CreatedBy);
        Field(s => s.CreatedAt);
        Field(s => s.Version);
    }
}

public sealed record WebhookSubscriptionPayload(WebhookSubscription? Subscription, string? Secret, IReadOnlyList<UserError> Errors)
{
    public static WebhookSubscriptionPayload Fail(params UserError[] errors) => new(null, null, errors);
}

public sealed class WebhookSubscriptionPayloadType : ObjectGraphType<WebhookSubscriptionPayload>
{
    public WebhookSubscriptionPayloadType()
    {
        Name = "WebhookSubscriptionPayload";
        Field<WebhookSubscriptionType>("subscription").Resolve(c => c.Source.Subscription);
        Field<StringGraphType>("secret").Description("The signing secret (whsec_...), only in the answer that made it; store it now.").Resolve(c => c.Source.Secret);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>A message with its delivery attempts (loaded for the whole page at once).</summary>
public sealed record WebhookMessageView(WebhookMessage Message, IReadOnlyList<WebhookAttempt> Attempts);

public sealed class WebhookMessageType : ObjectGraphType<WebhookMessageView>
{
    public WebhookMessageType()
    {
        Name = "WebhookMessage";
        Description = "One event for one subscription; its id is the webhook-id header of every attempt.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Message.Id);
        Field<NonNullGraphType<IdGraphType>>("subscriptionId").Resolve(c => c.Source.Message.SubscriptionId);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.Message.OrganizationId);
        Field<NonNullGraphType<StringGraphType>>("eventType").Resolve(c => c.Source.Message.EventType);
        Field<NonNullGraphType<EnumerationGraphType<WebhookMessageStatus>>>("status").Resolve(c => c.Source.Message.Status);
        Field<NonNullGraphType<JsonGraphType>>("payload").Description("The body as sent.").Resolve(c => JsonDocument.Parse(c.Source.Message.PayloadJson).RootElement.Clone());
        Field<NonNullGraphType<IntGraphType>>("attemptCount").Resolve(c => c.Source.Message.Attempts);
        Field<NonNullGraphType<DateTimeScalar>>("nextAttemptAt").Description("PENDING: when the next attempt is due.").Resolve(c => c.Source.Message.NextAttemptAt);
        Field<DateTimeScalar>("deliveredAt").Resolve(c => c.Source.Message.DeliveredAt);
        Field<IntGraphType>("lastStatusCode").Resolve(c => c.Source.Message.LastStatusCode);
        Field<StringGraphType>("lastError").Resolve(c => c.Source.Message.LastError);
        Field<NonNullGraphType<DateTimeScalar>>("createdAt").Resolve(c => c.Source.Message.CreatedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookAttemptType>>>>("attempts").Description("The delivery log, oldest first.").Resolve(c => c.Source.Attempts);
    }
}

public sealed class WebhookAttemptType : ObjectGraphType<WebhookAttempt>
{
    public WebhookAttemptType()
    {
        Name = "WebhookAttempt";
        Field(a => a.At);
        Field(a => a.StatusCode, nullable: true).Description("The receiver's HTTP status; null when it did not answer (refused, timed out, unreachable).");
        Field(a => a.Error, nullable: true);
        Field(a => a.DurationMs);
    }
}

public sealed record WebhookMessagePayload(WebhookMessageView? Message, IReadOnlyList<UserError> Errors);

public sealed class WebhookMessagePayloadType : ObjectGraphType<WebhookMessagePayload>
{
    public WebhookMessagePayloadType()
    {
        Name = "WebhookMessagePayload";
        Field<WebhookMessageType>("message").Resolve(c => c.Source.Message);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
