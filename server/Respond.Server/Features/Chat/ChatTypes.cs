using GraphQL.Types;
using Respond.Server.GraphQL;

namespace Respond.Server.Features.Chat;

/// <summary>An organization's chat integrations as <c>chatIntegrations</c> lists them (null where not configured).</summary>
public sealed record ChatIntegrationsView(string OrganizationId, SlackIntegration? Slack, TeamsIntegration? Teams);

public sealed class ChatIntegrationsType : ObjectGraphType<ChatIntegrationsView>
{
    public ChatIntegrationsType()
    {
        Name = "ChatIntegrations";
        Description = "Where an organization's approval requests are posted for people to decide (docs/partners.md).";
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<SlackIntegrationType>("slack").Description("Null: no Slack app configured.").Resolve(c => c.Source.Slack);
        Field<TeamsIntegrationType>("teams").Description("Null: no Teams channel configured.").Resolve(c => c.Source.Teams);
    }
}

public sealed class SlackIntegrationType : ObjectGraphType<SlackIntegration>
{
    public SlackIntegrationType()
    {
        Name = "SlackIntegration";
        Description = "A Slack app posting approval requests with Approve/Reject buttons. Its bot token and signing secret are never returned.";
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(s => s.ChannelId).Description("The channel requests are posted to (its id, e.g. C0123456789).");
        Field(s => s.ApiBaseUrl).Description("Slack's Web API base URL (default https://slack.com/api).");
        Field<NonNullGraphType<BooleanGraphType>>("botTokenSet").Resolve(c => c.Source.BotTokenProtected.Length > 0);
        Field<NonNullGraphType<BooleanGraphType>>("signingSecretSet").Resolve(c => c.Source.SigningSecretProtected.Length > 0);
        Field<NonNullGraphType<StringGraphType>>("interactionsPath").Description("Where Slack's Interactivity Request URL must point, under this server's public origin.")
            .Resolve(_ => ChatFeature.SlackInteractionsPath);
        Field(s => s.UpdatedBy);
        Field(s => s.UpdatedAt);
    }
}

public sealed class TeamsIntegrationType : ObjectGraphType<TeamsIntegration>
{
    public TeamsIntegrationType()
    {
        Name = "TeamsIntegration";
        Description = "A Microsoft Teams channel reached through a Workflows incoming webhook. The URL is a secret and never returned.";
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<NonNullGraphType<BooleanGraphType>>("webhookUrlSet").Resolve(c => c.Source.WebhookUrlProtected.Length > 0);
        Field(t => t.WebhookHost).Description("The host of the webhook URL, to recognise it.");
        Field(t => t.UpdatedBy);
        Field(t => t.UpdatedAt);
    }
}

public sealed class SlackUserLinkType : ObjectGraphType<SlackUserLink>
{
    public SlackUserLinkType()
    {
        Name = "SlackUserLink";
        Description = "A Slack user whose button clicks decide as you (made by linkSlackUser).";
        Field(l => l.SlackTeamId);
        Field(l => l.SlackUserId);
        Field(l => l.SlackUserName, nullable: true);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Description("The organization whose Slack app issued the link code.").Resolve(c => c.Source.OrganizationId);
        Field(l => l.LinkedAt);
    }
}

/// <summary>The input naming an organization's integration to remove.</summary>
public sealed record ChatIntegrationOrganizationInput(string OrganizationId);

public sealed class RemoveChatIntegrationInputType : InputObjectGraphType<ChatIntegrationOrganizationInput>
{
    public RemoveChatIntegrationInputType()
    {
        Name = "RemoveChatIntegrationInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
    }
}

public sealed record ChatIntegrationsPayload(ChatIntegrationsView? ChatIntegrations, IReadOnlyList<UserError> Errors)
{
    public static ChatIntegrationsPayload Fail(UserError error) => new(null, [error]);
}

public sealed class ChatIntegrationsPayloadType : ObjectGraphType<ChatIntegrationsPayload>
{
    public ChatIntegrationsPayloadType()
    {
        Name = "ChatIntegrationsPayload";
        Field<ChatIntegrationsType>("chatIntegrations").Description("The organization's integrations after the change.").Resolve(c => c.Source.ChatIntegrations);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record SlackUserLinkPayload(SlackUserLink? SlackUserLink, IReadOnlyList<UserError> Errors)
{
    public static SlackUserLinkPayload Fail(UserError error) => new(null, [error]);
}

public sealed class SlackUserLinkPayloadType : ObjectGraphType<SlackUserLinkPayload>
{
    public SlackUserLinkPayloadType()
    {
        Name = "SlackUserLinkPayload";
        Field<SlackUserLinkType>("slackUserLink").Resolve(c => c.Source.SlackUserLink);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
