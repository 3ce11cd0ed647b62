using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Connectors.Webhook;

/// <summary>
/// An RMM reached through one signed HTTPS endpoint: Respond POSTs <c>ping</c>, <c>execute</c> and <c>verify</c>
/// requests; the RMM answers at once (200) or later through the callback endpoint (202).
/// See docs/connectors-graph-webhook.md.
/// </summary>
internal sealed class WebhookConnector(IHttpClientFactory http, TimeProvider time, ILogger<WebhookConnector> log) : IConnector
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private const int MaxResponseChars = 64 * 1024;
    private const int MaxDetailsChars = 2000;

    public ConnectorKind Kind => ConnectorKind.Webhook;
    public IReadOnlyList<string> RequiredSettings => ["url"];
    public IReadOnlyList<string> SecretSettings => ["signingSecret"];
    public IReadOnlyList<string> OutboundUrlSettings => ["url"];

    // The endpoint actions (RUN_SCRIPT runs in Respond's own sandbox) and the compensation RESTORE_FILE.
    public IReadOnlySet<ResponseActionType> Capabilities { get; } = new HashSet<ResponseActionType>
    {
        ResponseActionType.KillProcess, ResponseActionType.IsolateDevice, ResponseActionType.UnisolateDevice,
        ResponseActionType.QuarantineFile, ResponseActionType.RestoreFile, ResponseActionType.BlockIp, ResponseActionType.UnblockIp,
        ResponseActionType.ResetUserSession, ResponseActionType.ForcePasswordReset, ResponseActionType.CollectForensics,
    };

    public async Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct)
    {
        if (Read(settings, out var error) is not { } hook) return new ConnectionCheck(ConnectionStatus.NeedsAttention, error);
        var reply = await PostAsync(hook, new JsonObject { ["kind"] = "ping", ["organizationId"] = settings.OrganizationId }, ct);
        return reply.Status switch
        {
            null when reply.Refused is { } refused => new ConnectionCheck(ConnectionStatus.NeedsAttention, refused),
            null => new ConnectionCheck(ConnectionStatus.Broken, "The webhook could not be reached or did not answer in time."),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new ConnectionCheck(ConnectionStatus.NeedsAttention, $"The RMM refused the signed ping ({(int)reply.Status}): check that both sides use the same signingSecret."),
            _ when reply.Ok => new ConnectionCheck(ConnectionStatus.Healthy, null),
            _ => new ConnectionCheck(ConnectionStatus.Broken, $"The webhook answered {(int)reply.Status}{reply.Message}."),
        };
    }

    public async Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct)
    {
        if (!Capabilities.Contains(command.Type))
            return new ExecutionOutcome.Failed($"WEBHOOK cannot run {ApiEnumName.Format(command.Type)}.", Transient: false);
        if (Read(settings, out var error) is not { } hook)
            return new ExecutionOutcome.Failed($"The WEBHOOK connection needs attention: {error}", Transient: false);
        var request = Describe("execute", command);
        request["attempt"] = command.Attempt;
        request["callbackUrl"] = settings.Get("callbackUrl");
        var reply = await PostAsync(hook, request, ct);
        switch (reply.Status)
        {
            case null when reply.Refused is { } refused:
                return new ExecutionOutcome.Failed(refused, Transient: false);
            case null:
                return new ExecutionOutcome.Failed("The RMM could not be reached or did not answer in time.", Transient: true);
            case HttpStatusCode.Accepted:
                return new ExecutionOutcome.Dispatched("Handed to the RMM; its result arrives through the callback.");
            case HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError:
                return new ExecutionOutcome.Failed($"The RMM is busy or unavailable ({(int)reply.Status}{reply.Message}).", Transient: true, reply.RetryAfter);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return new ExecutionOutcome.Failed($"The RMM refused the signed request ({(int)reply.Status}): check that both sides use the same signingSecret.", Transient: false);
            case var _ when !reply.Ok:
                return new ExecutionOutcome.Failed($"The RMM refused the action ({(int)reply.Status}{reply.Message}).", Transient: false);
        }
        var details = Details(reply.Json);
        var facts = reply.Json?["facts"] as JsonObject;
        return (reply.Json?["status"] as JsonValue)?.ToString() switch
        {
            "succeeded" => new ExecutionOutcome.Succeeded(details ?? "The RMM reports the action done.", facts?.DeepClone().AsObject()),
            "failed" => new ExecutionOutcome.Failed(details ?? "The RMM reports the action failed.", Transient: false),
            _ => new ExecutionOutcome.Failed($"The RMM answered {(int)reply.Status} without a status of \"succeeded\" or \"failed\".", Transient: false),
        };
    }

    public async Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct)
    {
        if (Read(settings, out var error) is not { } hook) return new VerificationOutcome(false, $"Could not confirm: {error}");
        var request = Describe("verify", command);
        request["facts"] = facts?.DeepClone();
        var reply = await PostAsync(hook, request, ct);
        if (!reply.Ok)
            return new VerificationOutcome(false, reply.Status is null
                ? $"Could not confirm: {reply.Refused ?? "the RMM could not be reached or did not answer in time."}"
                : $"Could not confirm: the RMM answered {(int)reply.Status}{reply.Message}.");
        return reply.Json?["passed"]?.GetValueKind() switch
        {
            JsonValueKind.True => new VerificationOutcome(true, Details(reply.Json) ?? "The RMM confirms the effect is in place."),
            JsonValueKind.False => new VerificationOutcome(false, Details(reply.Json) ?? "The RMM reports the effect is not in place."),
            JsonValueKind.Null => new VerificationOutcome(null, Details(reply.Json) ?? "The RMM cannot verify this action."),
            _ => new VerificationOutcome(false, "Could not confirm: the RMM's answer has no boolean \"passed\"."),
        };
    }

    /// <summary>What execute and verify requests say about the action.</summary>
    private static JsonObject Describe(string kind, ActionCommand command)
    {
        var t = command.Target;
        var target = new JsonObject();
        if (t.DeviceId is not null) target["deviceId"] = t.DeviceId;
        if (t.UserId is not null) target["userId"] = t.UserId;
        if (t.Ip is not null) target["ip"] = t.Ip;
        if (t.ProcessId is not null) target["processId"] = t.ProcessId;
        if (t.FilePath is not null) target["filePath"] = t.FilePath;
        if (t.FileSha256 is not null) target["fileSha256"] = t.FileSha256;
        return new JsonObject
        {
            ["kind"] = kind,
            ["actionId"] = command.ActionId,
            ["organizationId"] = command.OrganizationId,
            ["type"] = ApiEnumName.Format(command.Type),
            ["target"] = target,
            ["parameters"] = command.Parameters.DeepClone(),
        };
    }

    /// <summary>What the RMM answered; no status when it did not, with <c>Refused</c> set when the outbound guard stopped the request.</summary>
    private sealed record Reply(HttpStatusCode? Status, JsonNode? Json, TimeSpan? RetryAfter, string? Refused = null)
    {
        public bool Ok => Status is { } s && (int)s is >= 200 and < 300;

        /// <summary>": details" from an error body, for messages.</summary>
        public string Message => Details(Json) is { } d ? ": " + d : "";
    }

    /// <summary>Signs and POSTs one request (with a fresh <c>deliveryId</c>); a null status means no answer.</summary>
    private async Task<Reply> PostAsync(HookSettings hook, JsonObject body, CancellationToken ct)
    {
        body.Insert(1, "deliveryId", Guid.NewGuid().ToString());
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(hook.Secret, timestamp, bytes));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.CreateClient(OutboundFeature.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
                _ => (TimeSpan?)null,
            };
            return new Reply(response.StatusCode, await ReadJsonAsync(response, timeout.Token), retryAfter);
        }
        catch (HttpRequestException ex) when (OutboundAddressRefusedException.In(ex) is { } refused)
        {
            return new Reply(null, null, null, refused.Reason);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning("The webhook at {Host} could not be reached: {Error}", hook.Url.Authority, ex.Message);
            return new Reply(null, null, null);
        }
    }

    /// <summary>The response as JSON, read up to 64 KB; anything else counts as no body.</summary>
    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
        var buffer = new char[MaxResponseChars + 1];
        var length = 0;
        int n;
        while (length < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += n;
        if (length == 0 || length > MaxResponseChars) return null;
        try
        {
            return JsonNode.Parse(buffer.AsSpan(0, length).ToString(), documentOptions: WebhookSignature.StrictJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Details(JsonNode? json) =>
        (json as JsonObject)?["details"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } d
            ? d.Length > MaxDetailsChars ? d[..MaxDetailsChars] + "…" : d
            : null;

    private sealed record HookSettings(Uri Url, string Secret);

    private static HookSettings? Read(ConnectorSettings settings, out string error)
    {
        error = "";
        if (!Uri.TryCreate(settings.Get("url"), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            error = "Setting 'url' is not an http(s) URL.";
        else if (!settings.Secrets.TryGetValue("signingSecret", out var secret) || secret.Length == 0)
            error = "Secret 'signingSecret' is not set.";
        else
            return new HookSettings(url, secret);
        return null;
    }
}
