using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

public sealed record LinkSlackUserInput(string Code);

public sealed class LinkSlackUserInputType : InputObjectGraphType<LinkSlackUserInput>
{
    public LinkSlackUserInputType()
    {
        Name = "LinkSlackUserInput";
        Field(i => i.Code).Description("The code of the link Respond answered an unlinked Slack click with (/link/slack?code=...).");
    }
}

/// <summary>
/// linkSlackUser: the signed-in person confirms a code Slack's user received, binding that Slack user to them. The code is
/// single use (consumed by a conditional update, so two racing confirmations link once), expires after ten minutes, and
/// is only usable by a person of the organization whose Slack app issued it.
/// </summary>
internal sealed class LinkSlackUser(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<SlackUserLinkPayload> ExecuteAsync(LinkSlackUserInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == by.Id && u.DisabledAt == null, ct))
            return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.Forbidden, "Only a person signed in to Respond links a Slack user, not an API client.", "code"));
        var hash = SlackLinkCodes.Hash(input.Code);
        var code = await db.Set<SlackLinkCode>().AsNoTracking().SingleOrDefaultAsync(c => c.CodeHash == hash, ct);
        if (code is null || !by.CanSee(code.OrganizationId)) return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.NotFound, "No such link code is visible to you.", "code"));
        var now = time.GetUtcNow();
        if (code.UsedAt is not null) return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.InvalidState, "This link code was already used; click a button in Slack again for a new one.", "code"));
        if (code.ExpiresAt <= now) return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.Expired, "This link code expired; click a button in Slack again for a new one.", "code"));

        var consumed = await db.Set<SlackLinkCode>().Where(c => c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UsedBy, by.Id), ct);
        if (consumed == 0) return SlackUserLinkPayload.Fail(new UserError(UserErrorCode.InvalidState, "This link code was already used; click a button in Slack again for a new one.", "code"));

        var previous = await db.Set<SlackUserLink>().SingleOrDefaultAsync(l => l.SlackTeamId == code.SlackTeamId && l.SlackUserId == code.SlackUserId, ct);
        if (previous is not null) db.Remove(previous);
        var link = new SlackUserLink
        {
            SlackTeamId = code.SlackTeamId,
            SlackUserId = code.SlackUserId,
            SlackUserName = code.SlackUserName,
            UserId = by.Id,
            OrganizationId = code.OrganizationId,
            LinkedAt = now,
        };
        db.Add(link);
        audit.Record(by, "chat.slackLinked", "SlackUserLink", $"{code.SlackTeamId}/{code.SlackUserId}", [code.OrganizationId],
            previous is null ? null : new { previous.UserId }, new { link.UserId, link.SlackUserName });
        await db.SaveChangesAsync(ct);
        return new SlackUserLinkPayload(link, []);
    }
}
