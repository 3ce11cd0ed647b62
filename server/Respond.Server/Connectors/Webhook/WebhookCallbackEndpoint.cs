using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Organizations;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Webhook;

/// <summary>
/// <c>POST /api/webhooks/{organizationId}/callback</c>: the RMM reports the result of an action it accepted with 202.
/// Anonymous HTTP, authenticated only by the signature with that organization's WEBHOOK signingSecret.
/// </summary>
public static class WebhookCallbackEndpoint
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapWebhookCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/{organizationId}/callback", HandleAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(string organizationId, HttpContext http, RespondDbContext db,
        ConnectionSettingsReader reader, WebhookReplayGuard replays, TimeProvider time)
    {
        var ct = http.RequestAborted;
        if (await Messaging.LimitedRequestBody.ReadAsync(http.Request, MaxBodyBytes, ct) is not { } body)
            return Refuse(413, "Body too large", $"The body may be at most {MaxBodyBytes / 1024} KB.");

        var connection = await db.Connections.AsNoTracking()
            .SingleOrDefaultAsync(c => c.OrganizationId == organizationId && c.Connector == ConnectorKind.Webhook, ct);
        if (connection is null || !reader.Secrets(connection).TryGetValue("signingSecret", out var secret) || secret.Length == 0)
            return Refuse(404, "Not found", "This organization has no webhook connection with a signing secret.");

        string? timestamp = http.Request.Headers[WebhookSignature.TimestampHeader], signature = http.Request.Headers[WebhookSignature.SignatureHeader];
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return Refuse(401, "Unsigned", $"Sign the request: {WebhookSignature.TimestampHeader} and {WebhookSignature.SignatureHeader} are required.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799 ||
            DateTimeOffset.FromUnixTimeSeconds(seconds) is var signedAt && (time.GetUtcNow() - signedAt).Duration() > WebhookSignature.Tolerance)
            return Refuse(401, "Stale signature", $"{WebhookSignature.TimestampHeader} must be the current unix time in seconds (within 5 minutes).");
        if (!WebhookSignature.Matches(secret, timestamp, body, signature))
            return Refuse(401, "Bad signature", "The signature does not match the body and timestamp.");

        var (callback, error) = Parse(body);
        if (callback is null) return Refuse(400, "Malformed callback", error!);
        if (http.RequestServices.GetService<IActionResults>() is not { } results)
            return Refuse(503, "Unavailable", "Response actions are not available on this server.");

        if (!await replays.TryAcceptAsync(organizationId, signature, signedAt, ct))
            return Refuse(401, "Replayed", "This signed callback was already accepted.");
        try
        {
            var accepted = await results.ReportAsync(organizationId, callback.ActionId, callback.Succeeded, callback.Details, callback.Facts, ct);
            return TypedResults.Ok(new { accepted });
        }
        catch
        {
            await replays.ReleaseAsync(organizationId, signature);
            throw;
        }
    }

    private sealed record Callback(string ActionId, bool Succeeded, string Details, JsonObject? Facts);

    /// <summary>The callback body, or a message naming the field that is wrong.</summary>
    private static (Callback? Callback, string? Error) Parse(byte[] body)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body, documentOptions: WebhookSignature.StrictJson) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }
        if (json is null) return (null, "The body must be a JSON object {actionId, status, details, facts?}.");
        if (String(json, "actionId") is not { Length: > 0 } actionId) return (null, "Field 'actionId' must be a non-empty string.");
        var status = String(json, "status");
        if (status is not ("succeeded" or "failed"))
            return (null, "Field 'status' must be \"succeeded\" or \"failed\".");
        if (String(json, "details") is not { } details) return (null, "Field 'details' must be a string.");
        if (json["facts"] is not (null or JsonObject)) return (null, "Field 'facts' must be an object.");
        return (new Callback(actionId, status == "succeeded", details, (json["facts"] as JsonObject)?.DeepClone().AsObject()), null);
    }

    private static string? String(JsonObject json, string field) =>
        json[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static IResult Refuse(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
