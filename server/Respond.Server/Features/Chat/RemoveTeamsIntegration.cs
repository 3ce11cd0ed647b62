using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>removeTeamsIntegration: nothing more is posted to the organization's Teams channel.</summary>
internal sealed class RemoveTeamsIntegration(RespondDbContext db, ChatIntegrationAccess access, AuditTrail audit)
{
    public async Task<ChatIntegrationsPayload> ExecuteAsync(ChatIntegrationOrganizationInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await access.OrganizationRefusalAsync(input.OrganizationId, by, ct) is { } refused) return ChatIntegrationsPayload.Fail(refused);
        var existing = await db.Set<TeamsIntegration>().SingleOrDefaultAsync(t => t.OrganizationId == input.OrganizationId, ct);
        if (existing is null) return ChatIntegrationsPayload.Fail(new UserError(UserErrorCode.InvalidState, "Teams is not configured for this organization.", "organizationId"));
        db.Remove(existing);
        audit.Record(by, "chat.teamsRemoved", "TeamsIntegration", input.OrganizationId, [input.OrganizationId], new { existing.WebhookHost }, null);
        await db.SaveChangesAsync(ct);
        return new ChatIntegrationsPayload(await access.ViewAsync(input.OrganizationId, ct), []);
    }
}
