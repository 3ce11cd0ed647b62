using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

public sealed record ConfigureTeamsIntegrationInput(string OrganizationId, string WebhookUrl);

public sealed class ConfigureTeamsIntegrationInputType : InputObjectGraphType<ConfigureTeamsIntegrationInput>
{
    public ConfigureTeamsIntegrationInputType()
    {
        Name = "ConfigureTeamsIntegrationInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field(i => i.WebhookUrl).Description("The Teams Workflows incoming-webhook URL (\"Post to a channel when a webhook request is received\"). Never returned.");
    }
}

/// <summary>configureTeamsIntegration: an administrator of the organization sets the Teams channel's webhook URL (SSRF-checked, stored protected).</summary>
internal sealed class ConfigureTeamsIntegration(RespondDbContext db, ChatIntegrationAccess access, ChatSecrets secrets, AuditTrail audit, TimeProvider time)
{
    public async Task<ChatIntegrationsPayload> ExecuteAsync(ConfigureTeamsIntegrationInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await access.OrganizationRefusalAsync(input.OrganizationId, by, ct) is { } refused) return ChatIntegrationsPayload.Fail(refused);
        if (await access.UrlRefusalAsync(input.WebhookUrl, "webhookUrl", ct) is { } invalid) return ChatIntegrationsPayload.Fail(invalid);

        var host = new Uri(input.WebhookUrl).Host;
        var existing = await db.Set<TeamsIntegration>().SingleOrDefaultAsync(t => t.OrganizationId == input.OrganizationId, ct);
        var before = existing is null ? null : new { existing.WebhookHost };
        if (existing is null)
        {
            existing = new TeamsIntegration { OrganizationId = input.OrganizationId, WebhookUrlProtected = "", WebhookHost = host, UpdatedBy = by.Id };
            db.Add(existing);
        }
        existing.WebhookUrlProtected = secrets.Protect(input.WebhookUrl);
        existing.WebhookHost = host;
        existing.UpdatedBy = by.Id;
        existing.UpdatedAt = time.GetUtcNow();
        audit.Record(by, "chat.teamsConfigured", "TeamsIntegration", input.OrganizationId, [input.OrganizationId], before, new { existing.WebhookHost });
        await db.SaveChangesAsync(ct);
        return new ChatIntegrationsPayload(await access.ViewAsync(input.OrganizationId, ct), []);
    }
}
