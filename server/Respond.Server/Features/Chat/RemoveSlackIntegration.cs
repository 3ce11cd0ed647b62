using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>removeSlackIntegration: nothing more is posted to Slack, and clicks on earlier messages are refused (no signing secret to verify them).</summary>
internal sealed class RemoveSlackIntegration(RespondDbContext db, ChatIntegrationAccess access, AuditTrail audit)
{
    public async Task<ChatIntegrationsPayload> ExecuteAsync(ChatIntegrationOrganizationInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await access.OrganizationRefusalAsync(input.OrganizationId, by, ct) is { } refused) return ChatIntegrationsPayload.Fail(refused);
        var existing = await db.Set<SlackIntegration>().SingleOrDefaultAsync(s => s.OrganizationId == input.OrganizationId, ct);
        if (existing is null) return ChatIntegrationsPayload.Fail(new UserError(UserErrorCode.InvalidState, "Slack is not configured for this organization.", "organizationId"));
        db.Remove(existing);
        audit.Record(by, "chat.slackRemoved", "SlackIntegration", input.OrganizationId, [input.OrganizationId], new { existing.ChannelId, existing.ApiBaseUrl }, null);
        await db.SaveChangesAsync(ct);
        return new ChatIntegrationsPayload(await access.ViewAsync(input.OrganizationId, ct), []);
    }
}
