using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

public sealed record ConfigureSlackIntegrationInput(string OrganizationId, string ChannelId, string? BotToken, string? SigningSecret, string? ApiBaseUrl);

public sealed class ConfigureSlackIntegrationInputType : InputObjectGraphType<ConfigureSlackIntegrationInput>
{
    public ConfigureSlackIntegrationInputType()
    {
        Name = "ConfigureSlackIntegrationInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field(i => i.ChannelId).Description("The channel approval requests are posted to (the bot must be in it).");
        Field(i => i.BotToken, nullable: true).Description("The app's bot token (xoxb-...); required the first time, omitted: kept. Never returned.");
        Field(i => i.SigningSecret, nullable: true).Description("The app's signing secret; required the first time, omitted: kept. Never returned.");
        Field(i => i.ApiBaseUrl, nullable: true).Description("Slack's Web API base URL; omitted: https://slack.com/api.");
    }
}

/// <summary>configureSlackIntegration: an administrator of the organization connects its Slack app (secrets stored protected, never shown again).</summary>
internal sealed class ConfigureSlackIntegration(RespondDbContext db, ChatIntegrationAccess access, ChatSecrets secrets, AuditTrail audit, TimeProvider time)
{
    public async Task<ChatIntegrationsPayload> ExecuteAsync(ConfigureSlackIntegrationInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await access.OrganizationRefusalAsync(input.OrganizationId, by, ct) is { } refused) return ChatIntegrationsPayload.Fail(refused);
        var apiBaseUrl = input.ApiBaseUrl ?? SlackIntegration.DefaultApiBaseUrl;
        var existing = await db.Set<SlackIntegration>().SingleOrDefaultAsync(s => s.OrganizationId == input.OrganizationId, ct);
        var invalid = ChatIntegrationAccess.ChannelRefusal(input.ChannelId)
            ?? ChatIntegrationAccess.SecretRefusal(input.BotToken, "botToken") ?? ChatIntegrationAccess.SecretRefusal(input.SigningSecret, "signingSecret")
            ?? (existing is null && input.BotToken is null ? new UserError(UserErrorCode.Validation, "botToken: required when Slack is first configured.", "botToken") : null)
            ?? (existing is null && input.SigningSecret is null ? new UserError(UserErrorCode.Validation, "signingSecret: required when Slack is first configured.", "signingSecret") : null)
            ?? await access.UrlRefusalAsync(apiBaseUrl, "apiBaseUrl", ct);
        if (invalid is not null) return ChatIntegrationsPayload.Fail(invalid);

        var before = existing is null ? null : new { existing.ChannelId, existing.ApiBaseUrl };
        if (existing is null)
        {
            existing = new SlackIntegration
            {
                OrganizationId = input.OrganizationId,
                BotTokenProtected = secrets.Protect(input.BotToken!),
                SigningSecretProtected = secrets.Protect(input.SigningSecret!),
                ChannelId = input.ChannelId,
                UpdatedBy = by.Id,
            };
            db.Add(existing);
        }
        else
        {
            if (input.BotToken is { } token) existing.BotTokenProtected = secrets.Protect(token);
            if (input.SigningSecret is { } secret) existing.SigningSecretProtected = secrets.Protect(secret);
            existing.ChannelId = input.ChannelId;
        }
        existing.ApiBaseUrl = apiBaseUrl;
        existing.UpdatedBy = by.Id;
        existing.UpdatedAt = time.GetUtcNow();
        audit.Record(by, "chat.slackConfigured", "SlackIntegration", input.OrganizationId, [input.OrganizationId], before, new
        {
            existing.ChannelId, existing.ApiBaseUrl, BotTokenChanged = input.BotToken is not null, SigningSecretChanged = input.SigningSecret is not null,
        });
        await db.SaveChangesAsync(ct);
        return new ChatIntegrationsPayload(await access.ViewAsync(input.OrganizationId, ct), []);
    }
}
