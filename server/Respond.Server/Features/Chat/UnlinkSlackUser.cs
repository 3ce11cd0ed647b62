using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

public sealed record UnlinkSlackUserInput(string SlackTeamId, string SlackUserId);

public sealed class UnlinkSlackUserInputType : InputObjectGraphType<UnlinkSlackUserInput>
{
    public UnlinkSlackUserInputType()
    {
        Name = "UnlinkSlackUserInput";
        Field(i => i.SlackTeamId);
        Field(i => i.SlackUserId);
    }
}

/// <summary>unlinkSlackUser: removes one of the caller's own Slack links; that Slack user's clicks decide nothing afterwards.</summary>
internal sealed class UnlinkSlackUser(RespondDbContext db, AuditTrail audit)
{
    public async Task<SlackUserLinkPayload> ExecuteAsync(UnlinkSlackUserInput input, RespondPrincipal by, CancellationToken ct)
    {
        var link = await db.Set<SlackUserLink>().SingleOrDefaultAsync(l => l.SlackTeamId == input.SlackTeamId && l.SlackUserId == input.SlackUserId && l.UserId == by.Id, ct);
        if (link is null) return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.NotFound, "You have no link to that Slack user.", "slackUserId"));
        db.Remove(link);
        audit.Record(by, "chat.slackUnlinked", "SlackUserLink", $"{link.SlackTeamId}/{link.SlackUserId}", [link.OrganizationId], new { link.UserId }, null);
        await db.SaveChangesAsync(ct);
        return new SlackUserLinkPayload(link, []);
    }
}
