using GraphQL.Types;
using Respond.Server.GraphQL;

namespace Respond.Server.Features.Notifications;

public sealed class NotificationPreferencesType : ObjectGraphType<NotificationPreferences>
{
    public NotificationPreferencesType()
    {
        Name = "NotificationPreferences";
        Description = "How you hear of approval requests; the in-app notice is always on.";
        Field<NonNullGraphType<BooleanGraphType>>("inApp").Description("Always true: the designer's live notices cannot be turned off.").Resolve(_ => true);
        Field(p => p.Email).Description("Mail to emailAddress (when the server has Respond:Email configured).");
        Field(p => p.EmailAddress, nullable: true).Description("Where mail goes; null: no mail.");
        Field(p => p.SlackDirectMessage).Description("A direct message to your linked Slack user.");
        Field(p => p.SlackChannelMention).Description("Mention your linked Slack user in the organization's Slack channel post.");
        Field(p => p.RequestsICanDecide).Description("Hear of new requests you may decide.");
        Field(p => p.EscalationsToMe).Description("Hear of escalations that name you (or your role, or the on-call list you are on).");
        Field(p => p.UpdatedAt, nullable: true).Description("Null: the defaults, never changed.");
    }
}

public sealed record UpdateNotificationPreferencesInput(bool? Email, string? EmailAddress, bool? SlackDirectMessage, bool? SlackChannelMention, bool? RequestsICanDecide, bool? EscalationsToMe);

public sealed class UpdateNotificationPreferencesInputType : InputObjectGraphType<UpdateNotificationPreferencesInput>
{
    public UpdateNotificationPreferencesInputType()
    {
        Name = "UpdateNotificationPreferencesInput";
        Description = "Omitted fields keep their value.";
        Field(i => i.Email, nullable: true);
        Field(i => i.EmailAddress, nullable: true).Description("An address, or \"\" to remove it.");
        Field(i => i.SlackDirectMessage, nullable: true);
        Field(i => i.SlackChannelMention, nullable: true);
        Field(i => i.RequestsICanDecide, nullable: true);
        Field(i => i.EscalationsToMe, nullable: true);
    }
}

public sealed record NotificationPreferencesPayload(NotificationPreferences? NotificationPreferences, IReadOnlyList<UserError> Errors);

public sealed class NotificationPreferencesPayloadType : ObjectGraphType<NotificationPreferencesPayload>
{
    public NotificationPreferencesPayloadType()
    {
        Name = "NotificationPreferencesPayload";
        Field<NotificationPreferencesType>("notificationPreferences").Resolve(c => c.Source.NotificationPreferences);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
