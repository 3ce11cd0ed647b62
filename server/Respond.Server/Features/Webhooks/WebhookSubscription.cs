namespace Respond.Server.Features.Webhooks;

/// <summary>The events a partner can subscribe to, in their wire names (docs/partners.md).</summary>
public static class WebhookEventTypes
{
    public const string AlertRaised = "alert.raised";
    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalDecided = "approval.decided";
    public const string ApprovalEscalated = "approval.escalated";
    public const string ActionUpdated = "action.updated";

    public static readonly IReadOnlyList<string> All = [AlertRaised, ApprovalRequested, ApprovalDecided, ApprovalEscalated, ActionUpdated];
}

/// <summary>
/// A partner's endpoint and the events it receives: of one organization, or of every organization (a global
/// subscription, <see cref="OrganizationId"/> null, made by an administrator of every organization). Its signing
/// secrets are stored protected (ASP.NET Core data protection); after a rotation the previous secret keeps signing
/// beside the new one until <see cref="PreviousSecretExpiresAt"/>, so a receiver can switch without losing a message.
/// </summary>
public sealed class WebhookSubscription
{
    public required string Id { get; init; }
    public string? OrganizationId { get; init; }
    public required string Url { get; set; }
    public List<string> Events { get; set; } = [];
    public string? Description { get; set; }
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public required string SecretProtected { get; set; }
    public string? PreviousSecretProtected { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    /// <summary>Messages in a row whose delivery was given up; reaching <see cref="WebhookOptions.DisableAfterFailedMessages"/> disables the subscription.</summary>
    public int ConsecutiveFailures { get; set; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public int Version { get; set; } = 1;

    public bool Receives(string eventType, string organizationId) =>
        Enabled && Events.Contains(eventType) && (OrganizationId is null || OrganizationId == organizationId);
}

public enum WebhookMessageStatus { Pending, Delivered, Failed }

/// <summary>
/// One event for one subscription: the outbox row, written in the transaction of the change it tells of, and delivered
/// at least once after the commit. <see cref="Id"/> is the <c>webhook-id</c> of every attempt, so a receiver drops
/// repeats by it.
/// </summary>
public sealed class WebhookMessage
{
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string OrganizationId { get; init; }
    public required string EventType { get; init; }
    public required string PayloadJson { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public WebhookMessageStatus Status { get; set; } = WebhookMessageStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>A node delivering the message holds it until then (another node takes it over after a crash).</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One delivery attempt, for the delivery log: when, the response code (null: no response) and the error.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; init; }
    public required string MessageId { get; init; }
    public required string SubscriptionId { get; init; }
    public DateTimeOffset At { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public int DurationMs { get; init; }
}
