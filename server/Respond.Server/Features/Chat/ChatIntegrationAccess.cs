using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>What the chat integration mutations share: which organization the caller may configure, the URL checks, the view they answer with.</summary>
internal sealed partial class ChatIntegrationAccess(RespondDbContext db, OutboundAddressGuard guard, IOptions<ChatOptions> options)
{
    /// <summary>Null when <paramref name="by"/> holds the organization and it exists; else NOT_FOUND, as for one that does not exist.</summary>
    public async Task<UserError?> OrganizationRefusalAsync(string organizationId, RespondPrincipal by, CancellationToken ct) =>
        by.CanSee(organizationId) && await db.Organizations.AnyAsync(o => o.Id == organizationId, ct)
            ? null
            : UserError.NotFound("organization", "organizationId");

    public async Task<ChatIntegrationsView> ViewAsync(string organizationId, CancellationToken ct) =>
        new(organizationId,
            await db.Set<SlackIntegration>().AsNoTracking().SingleOrDefaultAsync(s => s.OrganizationId == organizationId, ct),
            await db.Set<TeamsIntegration>().AsNoTracking().SingleOrDefaultAsync(t => t.OrganizationId == organizationId, ct));

    /// <summary>An absolute https URL (http where <c>Respond:Chat:AllowPlainHttp</c>) whose host the outbound address policy allows now.</summary>
    public async Task<UserError?> UrlRefusalAsync(string url, string field, CancellationToken ct)
    {
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0)
            return new UserError(UserErrorCode.Validation, $"{field}: an absolute https URL without user name or password, at most 2048 characters.", field);
        if (uri.Scheme == "http" && !options.Value.AllowPlainHttp)
            return new UserError(UserErrorCode.Validation, $"{field}: must be https; Respond:Chat:AllowPlainHttp allows http.", field);
        return await guard.RefusalAsync(uri, ct) is { } refused
            ? new UserError(UserErrorCode.OutboundAddressRefused, $"{field}: {refused} {OutboundAddressGuard.Advice}", field)
            : null;
    }

    public static UserError? SecretRefusal(string? value, string field) =>
        value is { Length: 0 or > 512 } || value is not null && value.Any(char.IsWhiteSpace)
            ? new UserError(UserErrorCode.Validation, $"{field}: 1 to 512 characters without spaces.", field)
            : null;

    public static UserError? ChannelRefusal(string channelId) =>
        ChannelId().IsMatch(channelId) ? null : new UserError(UserErrorCode.Validation, "channelId: a Slack channel id such as C0123456789 (letters and digits, at most 32).", "channelId");

    [GeneratedRegex("^[A-Z0-9]{1,32}$")]
    private static partial Regex ChannelId();
}
