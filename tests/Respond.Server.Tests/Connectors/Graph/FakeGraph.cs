using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Connectors;

namespace Respond.Server.Tests.Connectors.Graph;

/// <summary>
/// Entra sign-in and Microsoft Graph v1.0 users in one local server: issues client-credentials tokens
/// ("token-1", "token-2", ...), keeps users whose state the identity actions change, and answers scripted
/// responses first when a test queues them (throttling, refusals).
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string TenantId = "tenant-1";
    public const string ClientId = "app-1";
    public const string ClientSecret = "app-secret-value";

    private int _tokensIssued;
    public FakeHttpServer Server { get; }
    public string Url => Server.Url;
    public int TokensIssued => _tokensIssued;

    /// <summary>Users by object id or UPN (as the connector addresses them).</summary>
    public ConcurrentDictionary<string, JsonObject> Users { get; } = new();

    /// <summary>Answers for the next Graph (not token) requests, in order.</summary>
    public ConcurrentQueue<FakeResponse> Scripted { get; } = new();

    /// <summary>When set, answers token requests instead of issuing tokens.</summary>
    public FakeResponse? TokenRefusal { get; set; }

    public IEnumerable<RecordedRequest> TokenRequests => Server.Requests.Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
    public IEnumerable<RecordedRequest> GraphRequests => Server.Requests.Where(r => r.Path.StartsWith("/v1.0/", StringComparison.Ordinal));

    private FakeGraph(FakeHttpServer server)
    {
        Server = server;
        server.Handler = Handle;
    }

    public static async Task<FakeGraph> StartAsync() => new(await FakeHttpServer.StartAsync());

    public JsonObject AddUser(string id, bool accountEnabled = true)
    {
        var user = new JsonObject
        {
            ["accountEnabled"] = accountEnabled,
            ["signInSessionsValidFromDateTime"] = "2026-01-01T00:00:00Z",
            ["lastPasswordChangeDateTime"] = "2026-01-01T00:00:00Z",
        };
        Users[id] = user;
        return user;
    }

    public ConnectorSettings Settings(string? graphBaseUrl = null, string? loginBaseUrl = null, string secret = ClientSecret) =>
        new("org-a", JsonSerializer.SerializeToElement(new
        {
            tenantId = TenantId,
            clientId = ClientId,
            loginBaseUrl = loginBaseUrl ?? Url,
            graphBaseUrl = graphBaseUrl ?? Url,
        }), new Dictionary<string, string> { ["clientSecret"] = secret });

    private FakeResponse Handle(RecordedRequest request)
    {
        if (request.Path == $"/{TenantId}/oauth2/v2.0/token")
        {
            if (TokenRefusal is not null) return TokenRefusal;
            var n = Interlocked.Increment(ref _tokensIssued);
            return new FakeResponse(200, new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = $"token-{n}" });
        }
        if (Scripted.TryDequeue(out var scripted)) return scripted;
        if (request.Header("Authorization") is not { } auth || !auth.StartsWith("Bearer token-", StringComparison.Ordinal))
            return Error(401, "InvalidAuthenticationToken", "Access token is empty.");

        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["v1.0", "users"] && request.Method == "GET")
            return new FakeResponse(200, new JsonObject { ["value"] = new JsonArray(new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" }) });
        if (segments.Length < 3 || segments[1] != "users") return Error(400, "BadRequest", "Unsupported request.");
        var id = Uri.UnescapeDataString(segments[2]);
        if (!Users.TryGetValue(id, out var user)) return Error(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist.");
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        switch (request.Method, segments.Length)
        {
            case ("GET", 3):
                return new FakeResponse(200, user.DeepClone());
            case ("PATCH", 3):
                var patch = request.Json;
                if (patch["accountEnabled"] is { } enabled) user["accountEnabled"] = enabled.GetValue<bool>();
                if (patch["passwordProfile"]?["password"] is not null) user["lastPasswordChangeDateTime"] = now;
                return new FakeResponse(204);
            case ("POST", 4) when segments[3] == "revokeSignInSessions":
                user["signInSessionsValidFromDateTime"] = now;
                return new FakeResponse(200, new { value = true });
            default:
                return Error(400, "BadRequest", "Unsupported request.");
        }
    }

    public static FakeResponse Error(int status, string code, string message, int? retryAfter = null)
    {
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };
        return retryAfter is { } s ? FakeResponse.RetryAfter(status, s, body) : new FakeResponse(status, body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
