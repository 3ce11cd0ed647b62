using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>Issues the one-time codes an unlinked Slack user gets, and finds one by the code shown (only hashes are stored).</summary>
public sealed class SlackLinkCodes(TimeProvider time)
{
    /// <summary>Adds a code for that Slack user to <paramref name="db"/> (saved by the caller) and returns the code itself.</summary>
    public string Issue(RespondDbContext db, string organizationId, string slackTeamId, string slackUserId, string? slackUserName)
    {
        var code = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
        var now = time.GetUtcNow();
        db.Add(new SlackLinkCode
        {
            CodeHash = Hash(code),
            OrganizationId = organizationId,
            SlackTeamId = slackTeamId,
            SlackUserId = slackUserId,
            SlackUserName = slackUserName,
            CreatedAt = now,
            ExpiresAt = now + SlackLinkCode.Lifetime,
        });
        return code;
    }

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
