using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Connectors.Graph;

/// <summary>
/// Entra ID through Microsoft Graph v1.0 with an app's client credentials: the identity actions of seed 001.
/// Throttling (429/503) with a short Retry-After is waited out here; anything longer goes back to the caller as a
/// transient failure carrying the Retry-After. See docs/connectors-graph-webhook.md.
/// </summary>
internal sealed class GraphConnector(IHttpClientFactory http, TimeProvider time, ILogger<GraphConnector> log) : IConnector
{
    /// <summary>At most this many requests per call, and only waits this short are spent in-process.</summary>
    public const int MaxTries = 3;
    public static readonly TimeSpan MaxInProcessWait = TimeSpan.FromSeconds(30);

    /// <summary>How far Entra's clock may be behind ours when comparing its timestamps with the action's.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private const string UserSelect = "$select=accountEnabled,signInSessionsValidFromDateTime,lastPasswordChangeDateTime";
    private const string Grant = "Grant the app the Microsoft Graph application permission User.ReadWrite.All with admin consent " +
        "(password actions also need the Entra role User Administrator, or Privileged Authentication Administrator for admin accounts).";

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RefreshAt)> _tokens = new();

    public ConnectorKind Kind => ConnectorKind.MicrosoftGraph;
    public IReadOnlyList<string> RequiredSettings => ["tenantId", "clientId"];
    public IReadOnlyList<string> SecretSettings => ["clientSecret"];
    public IReadOnlyList<string> OutboundUrlSettings => ["loginBaseUrl", "graphBaseUrl"];

    public IReadOnlySet<ResponseActionType> Capabilities { get; } = new HashSet<ResponseActionType>
    {
        ResponseActionType.BlockSignIn, ResponseActionType.UnblockSignIn, ResponseActionType.ExpireAccountLogins,
        ResponseActionType.ResetUserPassword, ResponseActionType.ForcePasswordChangeNextSignIn,
    };

    public async Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct)
    {
        if (GraphSettings.Read(settings, out var error) is not { } graph)
            return new ConnectionCheck(ConnectionStatus.NeedsAttention, error);
        try
        {
            await TokenAsync(graph, fresh: true, ct);
        }
        catch (GraphFailure f)
        {
            return new ConnectionCheck(f.Outcome.Transient ? ConnectionStatus.Broken : ConnectionStatus.NeedsAttention, f.Outcome.Reason);
        }
        // Reading one user needs the same consent as acting on users, so this tells whether actions can work.
        var (_, failure) = await SendAsync(graph, HttpMethod.Get, $"{graph.GraphBaseUrl}/v1.0/users?$top=1&$select=id", null, null, ct);
        return failure switch
        {
            null => new ConnectionCheck(ConnectionStatus.Healthy, null),
            { Transient: true } => new ConnectionCheck(ConnectionStatus.Broken, failure.Reason),
            _ => new ConnectionCheck(ConnectionStatus.NeedsAttention, failure.Reason),
        };
    }

    public async Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct)
    {
        if (Prepare(command, settings, out var graph, out var userId) is { } refused) return refused;
        var user = graph.UserUrl(userId);
        var requestedAt = time.GetUtcNow();
        var (method, url, body, done) = command.Type switch
        {
            ResponseActionType.BlockSignIn => (HttpMethod.Patch, user, new JsonObject { ["accountEnabled"] = false },
                $"Sign-in blocked for {userId} (accountEnabled set to false)."),
            ResponseActionType.UnblockSignIn => (HttpMethod.Patch, user, new JsonObject { ["accountEnabled"] = true },
                $"Sign-in allowed again for {userId} (accountEnabled set to true)."),
            ResponseActionType.ExpireAccountLogins => (HttpMethod.Post, $"{user}/revokeSignInSessions", null,
                $"All sign-in sessions of {userId} revoked; new sign-ins remain possible unless sign-in is blocked."),
            ResponseActionType.ResetUserPassword => (HttpMethod.Patch, user,
                new JsonObject { ["passwordProfile"] = new JsonObject { ["password"] = NewPassword(), ["forceChangePasswordNextSignIn"] = true } },
                $"Password of {userId} reset to a random value that is neither stored nor shown; " +
                "the user must get a new password through the help desk, then change it at the next sign-in."),
            _ => (HttpMethod.Patch, user, new JsonObject { ["passwordProfile"] = new JsonObject { ["forceChangePasswordNextSignIn"] = true } },
                $"{userId} must change the password at the next sign-in."),
        };
        var (_, failure) = await SendAsync(graph, method, url, body, userId, ct);
        return failure ?? (ExecutionOutcome)new ExecutionOutcome.Succeeded(done, new JsonObject
        {
            ["userId"] = userId,
            ["requestedAt"] = requestedAt.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    public async Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct)
    {
        if (!Capabilities.Contains(command.Type))
            return new VerificationOutcome(null, $"MICROSOFT_GRAPH does not run {ApiEnumName.Format(command.Type)}.");
        if (command.Type == ResponseActionType.ForcePasswordChangeNextSignIn)
            return new VerificationOutcome(null, "Microsoft Graph does not reliably show whether a password change is pending.");
        if (Prepare(command, settings, out var graph, out var userId) is { } refused)
            return new VerificationOutcome(false, $"Could not confirm: {refused.Reason}");
        var (user, failure) = await SendAsync(graph, HttpMethod.Get, $"{graph.UserUrl(userId)}?{UserSelect}", null, userId, ct);
        if (failure is not null) return new VerificationOutcome(false, $"Could not confirm: {failure.Reason}");

        var enabled = user?["accountEnabled"]?.GetValueKind() switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => (bool?)null };
        switch (command.Type)
        {
            case ResponseActionType.BlockSignIn:
                return enabled == false
                    ? new VerificationOutcome(true, $"Sign-in of {userId} is blocked (accountEnabled is false).")
                    : new VerificationOutcome(false, $"Sign-in of {userId} is not blocked (accountEnabled is {Show(enabled)}).");
            case ResponseActionType.UnblockSignIn:
                return enabled == true
                    ? new VerificationOutcome(true, $"Sign-in of {userId} is allowed (accountEnabled is true).")
                    : new VerificationOutcome(false, $"Sign-in of {userId} is still blocked (accountEnabled is {Show(enabled)}).");
        }

        var (property, effect) = command.Type == ResponseActionType.ExpireAccountLogins
            ? ("signInSessionsValidFromDateTime", "sessions revoked")
            : ("lastPasswordChangeDateTime", "password changed");
        if (Time(facts?["requestedAt"]) is not { } requestedAt)
            return new VerificationOutcome(null, "The execution recorded no time to compare with.");
        if (Time(user?[property]) is not { } changedAt)
            return new VerificationOutcome(false, $"Microsoft Graph shows no {property} for {userId}.");
        return changedAt >= requestedAt - ClockTolerance
            ? new VerificationOutcome(true, $"{userId}: {effect} at {changedAt:O} ({property}), at or after the action.")
            : new VerificationOutcome(false, $"{userId}: {property} is {changedAt:O}, before the action at {requestedAt:O}.");
    }

    /// <summary>What every action call needs first: a type this connector runs, a user to act on, usable settings.</summary>
    private ExecutionOutcome.Failed? Prepare(ActionCommand command, ConnectorSettings settings, out GraphSettings graph, out string userId)
    {
        graph = null!;
        userId = command.Target.UserId ?? "";
        if (!Capabilities.Contains(command.Type))
            return new ExecutionOutcome.Failed($"MICROSOFT_GRAPH cannot run {ApiEnumName.Format(command.Type)}.", Transient: false);
        // "." and ".." would be path segments of their own, not a user.
        if (userId.Trim('.').Length == 0)
            return new ExecutionOutcome.Failed("The action names no user (target userId: an object id or user principal name).", Transient: false);
        if (GraphSettings.Read(settings, out var error) is not { } read)
            return new ExecutionOutcome.Failed($"The MICROSOFT_GRAPH connection needs attention: {error}", Transient: false);
        graph = read;
        return null;
    }

    /// <summary>
    /// One Graph request, with the app token, retried here on short throttling and once on a rejected (stale) token.
    /// Returns the response JSON, or the failure to hand back. Never throws for network trouble.
    /// </summary>
    private async Task<(JsonNode? Body, ExecutionOutcome.Failed? Failure)> SendAsync(
        GraphSettings graph, HttpMethod method, string url, JsonObject? body, string? userId, CancellationToken ct)
    {
        var tokenRefreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            string token;
            try
            {
                token = await TokenAsync(graph, fresh: false, ct);
            }
            catch (GraphFailure f)
            {
                return (null, f.Outcome);
            }
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            HttpResponseMessage? sent;
            try
            {
                sent = await TrySendAsync(request, "Microsoft Graph", ct);
            }
            catch (GraphFailure f)
            {
                return (null, f.Outcome);
            }
            using var response = sent;
            if (response is null) return (null, new ExecutionOutcome.Failed($"Microsoft Graph ({graph.GraphBaseUrl}) could not be reached or did not answer in time.", Transient: true));

            var json = await ReadJsonAsync(response, ct);
            if (response.IsSuccessStatusCode) return (json, null);
            var retryAfter = RetryAfter(response);
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                && retryAfter is { } wait && wait <= MaxInProcessWait && attempt < MaxTries)
            {
                log.LogInformation("Microsoft Graph answered {Status}; retrying in {Wait} (try {Attempt} of {Max}).", (int)response.StatusCode, wait, attempt + 1, MaxTries);
                await Task.Delay(wait, time, ct);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && !tokenRefreshed && attempt < MaxTries)
            {
                _tokens.TryRemove(graph.CacheKey, out _);
                tokenRefreshed = true;
                continue;
            }
            return (null, Failure(response.StatusCode, GraphError(json), retryAfter, userId));
        }
    }

    private static ExecutionOutcome.Failed Failure(HttpStatusCode status, string error, TimeSpan? retryAfter, string? userId) => (int)status switch
    {
        401 or 403 => new($"Microsoft Graph: permission denied ({(int)status}{error}). {Grant}", Transient: false),
        404 => new(userId is null ? $"Microsoft Graph: not found (404{error})." : $"Microsoft Graph: user not found: {userId}.", Transient: false),
        429 => new($"Microsoft Graph is throttling requests (429{error}).", Transient: true, retryAfter),
        408 or >= 500 => new($"Microsoft Graph is unavailable ({(int)status}{error}).", Transient: true, retryAfter),
        _ => new($"Microsoft Graph refused the request ({(int)status}{error}).", Transient: false),
    };

    /// <summary>An app-only token, from the cache until shortly before it expires. Throws <see cref="GraphFailure"/>.</summary>
    private async Task<string> TokenAsync(GraphSettings graph, bool fresh, CancellationToken ct)
    {
        if (!fresh && _tokens.TryGetValue(graph.CacheKey, out var cached) && time.GetUtcNow() < cached.RefreshAt) return cached.Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, graph.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = graph.ClientId,
                ["client_secret"] = graph.ClientSecret,
                ["grant_type"] = "client_credentials",
                ["scope"] = "https://graph.microsoft.com/.default",
            }),
        };
        using var response = await TrySendAsync(request, "Entra sign-in", ct)
            ?? throw new GraphFailure(new($"Entra sign-in ({graph.LoginBaseUrl}) could not be reached or did not answer in time.", Transient: true));
        var json = await ReadJsonAsync(response, ct);
        if (response.IsSuccessStatusCode && json?["access_token"]?.GetValueKind() == JsonValueKind.String)
        {
            var token = json["access_token"]!.GetValue<string>();
            var lifetime = json["expires_in"]?.GetValueKind() == JsonValueKind.Number ? json["expires_in"]!.GetValue<double>() : 3599;
            // Refresh five minutes before expiry (half the lifetime for short-lived tokens).
            var refreshAt = time.GetUtcNow().AddSeconds(lifetime - Math.Min(300, lifetime / 2));
            _tokens[graph.CacheKey] = (token, refreshAt);
            return token;
        }
        // Entra explains refusals in error_description ("AADSTS7000215: Invalid client secret provided. ... Trace ID: ...").
        var reason = (json?["error_description"] as JsonValue)?.ToString().Split(['\r', '\n'])[0] ?? (json?["error"] as JsonValue)?.ToString() ?? "";
        var code = (int)response.StatusCode;
        throw new GraphFailure(code is 429 or 408 or >= 500
            ? new($"Entra sign-in is unavailable ({code}).", Transient: true, RetryAfter(response))
            : new($"Entra refused the app credentials ({code}){(reason.Length > 0 ? ": " + reason : ".")} Check tenantId, clientId and clientSecret.", Transient: false));
    }

    /// <summary>Sends; null when there was no answer. Throws <see cref="GraphFailure"/> when the outbound guard refused the address.</summary>
    private async Task<HttpResponseMessage?> TrySendAsync(HttpRequestMessage request, string service, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            return await http.CreateClient(OutboundFeature.ClientName).SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException ex) when (OutboundAddressRefusedException.In(ex) is { } refused)
        {
            throw new GraphFailure(new($"{service}: {refused.Reason}", Transient: false));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning("{Service} at {Host} could not be reached: {Error}", service, request.RequestUri?.Authority, ex.Message);
            return null;
        }
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            return text.Length == 0 ? null : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>", Code: message" from Graph's error body, or nothing.</summary>
    private static string GraphError(JsonNode? json) =>
        json?["error"] is JsonObject e && e["code"] is JsonValue code ? $", {code}: {(e["message"] as JsonValue)?.ToString()}".TrimEnd(' ', ':') : "";

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
        DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static string Show(bool? value) => value switch { true => "true", false => "false", null => "not shown" };

    /// <summary>A strong random password (24 characters, every character class) that nobody ever sees.</summary>
    internal static string NewPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "!@#$%^&*-_=+?";
        var chars = RandomNumberGenerator.GetItems<char>(upper + lower + digits + symbols, 24);
        chars[0] = RandomNumberGenerator.GetItems<char>(upper, 1)[0];
        chars[1] = RandomNumberGenerator.GetItems<char>(lower, 1)[0];
        chars[2] = RandomNumberGenerator.GetItems<char>(digits, 1)[0];
        chars[3] = RandomNumberGenerator.GetItems<char>(symbols, 1)[0];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private sealed class GraphFailure(ExecutionOutcome.Failed outcome) : Exception(outcome.Reason)
    {
        public ExecutionOutcome.Failed Outcome { get; } = outcome;
    }
}
