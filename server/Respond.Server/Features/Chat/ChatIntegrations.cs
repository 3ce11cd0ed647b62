namespace Respond.Server.Features.Chat;

/// <summary>
/// An organization's Slack app: approval requests are posted to <see cref="ChannelId"/> with Approve/Reject buttons, and
/// Slack sends the clicks to <c>/integrations/slack/interactions</c>, signed with the app's signing secret. Both secrets
/// are stored protected (ASP.NET Core data protection) and never returned; <see cref="ApiBaseUrl"/> is configuration so
/// tests point it at a local fake Slack.
/// </summary>
public sealed class SlackIntegration
{
    public const string DefaultApiBaseUrl = "https://slack.com/api";

    public required string OrganizationId { get; init; }
    public required string BotTokenProtected { get; set; }
    public required string SigningSecretProtected { get; set; }
    public required string ChannelId { get; set; }
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;
    public required string UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// An organization's Microsoft Teams channel, reached through a Workflows incoming webhook: the URL carries its own
/// signature, so it is a secret, stored protected and never returned (only its host is shown).
/// </summary>
public sealed class TeamsIntegration
{
    public required string OrganizationId { get; init; }
    public required string WebhookUrlProtected { get; set; }
    public required string WebhookHost { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A Slack user (of one workspace) bound to one Respond user. It is made only by <c>linkSlackUser</c>: the code came from
/// a signed Slack interaction of that Slack user, and the mutation is called signed in as the Respond user, so the link
/// proves both identities. A click of a linked Slack user decides as that Respond user, under the API's own rules.
/// </summary>
public sealed class SlackUserLink
{
    public required string SlackTeamId { get; init; }
    public required string SlackUserId { get; init; }
    public string? SlackUserName { get; init; }
    public required string UserId { get; init; }
    /// <summary>The organization whose Slack app issued the code (the link is used wherever the same workspace posts).</summary>
    public required string OrganizationId { get; init; }
    public DateTimeOffset LinkedAt { get; init; }
}

/// <summary>
/// A one-time linking code, given to an unlinked Slack user who clicked a button: bound to that Slack team and user, valid
/// ten minutes, used once. Only its SHA-256 is stored, so a database reader cannot link themselves.
/// </summary>
public sealed class SlackLinkCode
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public required string CodeHash { get; init; }
    public required string OrganizationId { get; init; }
    public required string SlackTeamId { get; init; }
    public required string SlackUserId { get; init; }
    public string? SlackUserName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
    public string? UsedBy { get; set; }
}

/// <summary>
/// A Slack interaction's signature, kept while its timestamp is within the accepted window: inserting it twice fails on
/// the key, so a replayed request is refused on every node (the memory is the database, not one process).
/// </summary>
public sealed class SlackInteractionReceipt
{
    public required string Signature { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
}
