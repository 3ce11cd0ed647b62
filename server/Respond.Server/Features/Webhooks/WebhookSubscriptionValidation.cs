using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Webhooks;

/// <summary>What create and update both check: the URL (scheme, and the outbound address policy now, as at every connection) and the event names.</summary>
internal sealed class WebhookSubscriptionValidation(OutboundAddressGuard guard, IOptions<WebhookOptions> options)
{
    public static bool Visible(WebhookSubscription subscription, RespondPrincipal by) =>
        subscription.OrganizationId is { } organization ? by.CanSee(organization) : by.SeesAllOrganizations;

    /// <summary>The subscription, tracked, if <paramref name="by"/> may see it; null answers NOT_FOUND, as for one that does not exist.</summary>
    public static async Task<WebhookSubscription?> FindVisibleAsync(Persistence.RespondDbContext db, string id, RespondPrincipal by, CancellationToken ct) =>
        await db.Set<WebhookSubscription>().SingleOrDefaultAsync(s => s.Id == id, ct) is { } found && Visible(found, by) ? found : null;

    public async Task<UserError?> UrlAsync(string url, CancellationToken ct)
    {
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0)
            return new UserError(UserErrorCode.Validation, "url: an absolute https URL without user name or password, at most 2048 characters.", "url");
        if (uri.Scheme == "http" && !options.Value.AllowPlainHttp)
            return new UserError(UserErrorCode.Validation, "url: must be https (signed bodies are still readable in transit over http); Respond:Webhooks:AllowPlainHttp allows http.", "url");
        return await guard.RefusalAsync(uri, ct) is { } refused
            ? new UserError(UserErrorCode.OutboundAddressRefused, $"url: {refused} {OutboundAddressGuard.Advice}", "url")
            : null;
    }

    public static UserError? Events(IReadOnlyList<string> events)
    {
        if (events.Count == 0) return new UserError(UserErrorCode.Validation, $"events: name at least one of {string.Join(", ", WebhookEventTypes.All)}.", "events");
        for (var i = 0; i < events.Count; i++)
            if (!WebhookEventTypes.All.Contains(events[i]))
                return UserError.At(UserErrorCode.Validation, $"events[{i}]: '{events[i]}' is not an event; one of {string.Join(", ", WebhookEventTypes.All)}.", $"events.{i}");
        return null;
    }

    public static UserError? Description(string? description) =>
        description is { Length: > 500 } ? new UserError(UserErrorCode.Validation, "description: at most 500 characters.", "description") : null;
}
