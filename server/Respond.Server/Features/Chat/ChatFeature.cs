using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>Chat integrations per organization (Slack, Teams) and the Slack user links that let a click decide as a person (issue 16).</summary>
public static class ChatFeature
{
    public const string SlackInteractionsPath = "/integrations/slack/interactions";

    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid, "Respond:Chat needs a positive SignatureTolerance and CallTimeout.").ValidateOnStart();
        services.AddSingleton<ChatSecrets>().AddSingleton<SlackLinkCodes>().AddSingleton<SlackClient>().AddSingleton<TeamsClient>();
        return services.AddScoped<ChatIntegrationAccess>().AddScoped<ConfigureSlackIntegration>().AddScoped<RemoveSlackIntegration>()
            .AddScoped<ConfigureTeamsIntegration>().AddScoped<RemoveTeamsIntegration>().AddScoped<LinkSlackUser>().AddScoped<UnlinkSlackUser>().AddScoped<SlackInteractions>();
    }

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ChatIntegrationsType>>>>("chatIntegrations")
            .Description("Admin: the chat integrations of your organizations (one entry per organization, Slack and Teams null where not configured).")
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var organizationId = c.GetArgument<string?>("organizationId");
                var db = c.Service<RespondDbContext>();
                var organizations = (await db.Organizations.AsNoTracking().Where(o => organizationId == null || o.Id == organizationId).OrderBy(o => o.Id)
                    .Select(o => o.Id).ToListAsync(c.CancellationToken)).Where(by.CanSee).ToList();
                var slack = await db.Set<SlackIntegration>().AsNoTracking().Where(s => organizations.Contains(s.OrganizationId)).ToDictionaryAsync(s => s.OrganizationId, c.CancellationToken);
                var teams = await db.Set<TeamsIntegration>().AsNoTracking().Where(t => organizations.Contains(t.OrganizationId)).ToDictionaryAsync(t => t.OrganizationId, c.CancellationToken);
                return organizations.Select(o => new ChatIntegrationsView(o, slack.GetValueOrDefault(o), teams.GetValueOrDefault(o))).ToList();
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SlackUserLinkType>>>>("slackUserLinks")
            .Description("The Slack users linked to you: their clicks on approval buttons decide as you.")
            .ResolveAsync(async c =>
            {
                var by = c.Principal();
                return await c.Service<RespondDbContext>().Set<SlackUserLink>().AsNoTracking().Where(l => l.UserId == by.Id).OrderBy(l => l.LinkedAt).ToListAsync(c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ChatIntegrationsPayloadType>>("configureSlackIntegration").Argument<NonNullGraphType<ConfigureSlackIntegrationInputType>>("input")
            .ResolveAsync(async c => await c.Service<ConfigureSlackIntegration>().ExecuteAsync(c.GetArgument<ConfigureSlackIntegrationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ChatIntegrationsPayloadType>>("removeSlackIntegration").Argument<NonNullGraphType<RemoveChatIntegrationInputType>>("input")
            .ResolveAsync(async c => await c.Service<RemoveSlackIntegration>().ExecuteAsync(c.GetArgument<ChatIntegrationOrganizationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ChatIntegrationsPayloadType>>("configureTeamsIntegration").Argument<NonNullGraphType<ConfigureTeamsIntegrationInputType>>("input")
            .ResolveAsync(async c => await c.Service<ConfigureTeamsIntegration>().ExecuteAsync(c.GetArgument<ConfigureTeamsIntegrationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ChatIntegrationsPayloadType>>("removeTeamsIntegration").Argument<NonNullGraphType<RemoveChatIntegrationInputType>>("input")
            .ResolveAsync(async c => await c.Service<RemoveTeamsIntegration>().ExecuteAsync(c.GetArgument<ChatIntegrationOrganizationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<SlackUserLinkPayloadType>>("linkSlackUser").Argument<NonNullGraphType<LinkSlackUserInputType>>("input")
            .ResolveAsync(async c => await c.Service<LinkSlackUser>().ExecuteAsync(c.GetArgument<LinkSlackUserInput>("input"), c.RequireReader(), c.CancellationToken));
        mutation.Field<NonNullGraphType<SlackUserLinkPayloadType>>("unlinkSlackUser").Argument<NonNullGraphType<UnlinkSlackUserInputType>>("input")
            .ResolveAsync(async c => await c.Service<UnlinkSlackUser>().ExecuteAsync(c.GetArgument<UnlinkSlackUserInput>("input"), c.Principal(), c.CancellationToken));
    }
}
