using Respond.Workflows;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Chat;

/// <summary>
/// <c>POST /integrations/slack/interactions</c>: a click on an approval message's button. Anonymous HTTP, authenticated by
/// the signature under a configured Slack app's signing secret; the timestamp must be within the tolerance and the
/// signature never seen before (kept in the database, so every node refuses a replay). The clicking Slack user must be
/// linked to a Respond user, and the decision is then made as that user through the API's own decide operation (dual
/// control, eligibility, quorum). Every refusal is audited and explained to the clicking user; nothing else is decided.
/// </summary>
public static class SlackInteractionsEndpoint
{
    public static IEndpointRouteBuilder MapSlackInteractions(this IEndpointRouteBuilder app)
    {
        app.MapPost(ChatFeature.SlackInteractionsPath, (HttpContext http, SlackInteractions interactions) => interactions.HandleAsync(http))
            .AllowAnonymous().DisableAntiforgery();
        return app;
    }
}

internal sealed class SlackInteractions(
    RespondDbContext db, ChatSecrets secrets, SlackLinkCodes codes, ApprovalDecisions decisions, AuthorizationRefusals refusals, PublicOrigins origins,
    SlackClient slack, IOptions<ChatOptions> options, TimeProvider time, ILogger<SlackInteractions> logger)
{
    public const int MaxBodyBytes = 64 * 1024;
    private const string Operation = "slackInteraction";
    private static readonly RespondPrincipal Unverified = new("slack:unverified", "Slack (unverified request)", new HashSet<string>(), new HashSet<string>());

    private sealed record Click(string TeamId, string UserId, string? UserName, string ActionId, string RequestId, Uri? ResponseUrl);

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        if (await Messaging.LimitedRequestBody.ReadAsync(http.Request, MaxBodyBytes, ct) is not { } body) return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);

        string? timestamp = http.Request.Headers[SlackSignature.TimestampHeader], signature = http.Request.Headers[SlackSignature.SignatureHeader];
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || signature.Length > 80)
            return await RefuseUnverifiedAsync("The request is not signed (X-Slack-Request-Timestamp, X-Slack-Signature).");
        var now = time.GetUtcNow();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > options.Value.SignatureTolerance)
            return await RefuseUnverifiedAsync("The request's timestamp is outside the accepted window (an old or replayed request).");

        var integrations = await db.Set<SlackIntegration>().AsNoTracking().ToListAsync(ct);
        var signedFor = integrations.Where(i => SlackSignature.Matches(secrets.Unprotect(i.SigningSecretProtected), timestamp, body, signature))
            .Select(i => i.OrganizationId).ToHashSet(StringComparer.Ordinal);
        if (signedFor.Count == 0) return await RefuseUnverifiedAsync("The signature matches no configured Slack app's signing secret.");
        if (!await RememberAsync(signature, now, ct)) return await RefuseUnverifiedAsync("This signed request was already received (a replay).");

        if (Parse(body) is not { } click) return TypedResults.BadRequest();
        if (click.ActionId == SlackApprovalMessage.OpenAction) return TypedResults.Ok();
        var outcome = click.ActionId switch
        {
            SlackApprovalMessage.ApproveAction => ApprovalStatus.Approved,
            SlackApprovalMessage.RejectAction => ApprovalStatus.Rejected,
            _ => (ApprovalStatus?)null,
        };
        if (outcome is null) return TypedResults.BadRequest();
        return Answer(click, await DecideAsync(click, outcome.Value, signedFor, ct));
    }

    private async Task<string> DecideAsync(Click click, ApprovalStatus outcome, IReadOnlySet<string> signedFor, CancellationToken ct)
    {
        var slackActor = new RespondPrincipal($"slack:{click.TeamId}/{click.UserId}", $"Slack user {click.UserName ?? click.UserId}", new HashSet<string>(), signedFor);
        var organizationId = await db.ApprovalRequests.Where(r => r.Id == click.RequestId).Select(r => r.OrganizationId).SingleOrDefaultAsync(ct);
        if (organizationId is null || !signedFor.Contains(organizationId))
            return await RefuseAsync(slackActor, UserErrorCode.NotFound, "This Slack app does not post that request; nothing was decided.");

        var link = await db.Set<SlackUserLink>().AsNoTracking().SingleOrDefaultAsync(l => l.SlackTeamId == click.TeamId && l.SlackUserId == click.UserId, ct);
        if (link is null)
        {
            var code = codes.Issue(db, organizationId, click.TeamId, click.UserId, click.UserName);
            await db.SaveChangesAsync(ct);
            var url = new Uri(origins.Primary, "link/slack?code=" + Uri.EscapeDataString(code));
            return await RefuseAsync(slackActor, UserErrorCode.NotLinked,
                $"Your Slack user is not linked to a Respond account, so nothing was decided. Sign in to Respond and link it within {SlackLinkCode.Lifetime.TotalMinutes:0} minutes (single use): {url.AbsoluteUri}");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == link.UserId, ct);
        if (user is null || user.IsDisabled)
            return await RefuseAsync(slackActor, UserErrorCode.Forbidden, "The Respond account linked to your Slack user is disabled or gone; nothing was decided.");
        var person = new RespondPrincipal(user.Id, user.UserName, user.Roles.ToHashSet(StringComparer.Ordinal), user.Organizations.ToHashSet(StringComparer.Ordinal));
        if (!person.IsInAnyRole(ApprovalDecisions.DeciderRoles))
            return await RefuseAsync(person, UserErrorCode.Forbidden, $"Your Respond account ({user.UserName}) may not decide approval requests (it needs one of the roles {string.Join(", ", ApprovalDecisions.DeciderRoles)}); nothing was decided.");

        var payload = await decisions.DecideAsync(new DecideApprovalInput(click.RequestId, "Decided in Slack."), outcome, person, ct);
        if (payload.Errors is [var error, ..])
            return await RefuseAsync(person, error.Code, $"Not decided: {error.Message}");
        var request = payload.ApprovalRequest!;
        ChatLog.SlackDecided(logger, request.Id, user.Id, outcome.ToString());
        return request.Status == ApprovalStatus.Pending
            ? $"Your approval counts, {user.UserName}: {request.ApprovalsReceived} of {request.ApprovalsRequired}. The request waits for the others."
            : $"{(outcome == ApprovalStatus.Approved ? "Approved" : "Rejected")} by {user.UserName}: the request is {ApiEnumName.Format(request.Status)}.";
    }

    /// <summary>Answers the click at once (Slack waits 3 s) and repeats the answer through response_url, Slack's way to reach the clicking user.</summary>
    private IResult Answer(Click click, string text)
    {
        var message = new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = text };
        if (click.ResponseUrl is { } responseUrl)
            _ = Task.Run(async () =>
            {
                try
                {
                    await slack.RespondAsync(responseUrl, (JsonObject)message.DeepClone(), CancellationToken.None);
                }
                catch (Exception e)
                {
                    ChatLog.SlackResponseFailed(logger, e, click.RequestId);
                }
            });
        return TypedResults.Json(message);
    }

    private async Task<string> RefuseAsync(RespondPrincipal actor, UserErrorCode code, string message)
    {
        await refusals.RecordAsync(actor, Operation, code.ToSchemaName(), message);
        return message;
    }

    private async Task<IResult> RefuseUnverifiedAsync(string message)
    {
        await refusals.RecordAsync(Unverified, Operation, UserErrorCode.SignatureRefused.ToSchemaName(), message);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Signature refused", detail: message);
    }

    /// <summary>Stores the signature; false when it is already stored (a replay), on this node or another.</summary>
    private async Task<bool> RememberAsync(string signature, DateTimeOffset now, CancellationToken ct)
    {
        var forgetBefore = now - 2 * options.Value.SignatureTolerance;
        await db.Set<SlackInteractionReceipt>().Where(r => r.ReceivedAt < forgetBefore).ExecuteDeleteAsync(ct);
        var receipt = new SlackInteractionReceipt { Signature = signature, ReceivedAt = now };
        db.Add(receipt);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(receipt).State = EntityState.Detached;
            return false;
        }
    }

    private static Click? Parse(byte[] body)
    {
        try
        {
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            if (!form.TryGetValue("payload", out var payload) || JsonNode.Parse(payload.ToString()) is not JsonObject json) return null;
            if (json["type"]?.GetValue<string>() != "block_actions" || json["actions"] is not JsonArray { Count: > 0 } actions) return null;
            var team = json["team"]?["id"]?.GetValue<string>() ?? json["user"]?["team_id"]?.GetValue<string>();
            var user = json["user"]?["id"]?.GetValue<string>();
            var action = actions[0]!;
            var actionId = action["action_id"]?.GetValue<string>();
            var value = action["value"]?.GetValue<string>() ?? "";
            if (team is not { Length: > 0 and <= 32 } || user is not { Length: > 0 and <= 32 } || actionId is null || value.Length > 64) return null;
            var responseUrl = json["response_url"]?.GetValue<string>() is { } r && Uri.TryCreate(r, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" ? parsed : null;
            return new Click(team, user, json["user"]?["username"]?.GetValue<string>() ?? json["user"]?["name"]?.GetValue<string>(), actionId, value, responseUrl);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
