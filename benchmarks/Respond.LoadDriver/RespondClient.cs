using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.LoadDriver;

/// <summary>The benchmark's API calls: a client-credentials token, GraphQL, and POST /api/events.</summary>
public sealed class RespondClient : IDisposable
{
    private readonly HttpClient _http;

    public RespondClient(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Token { get; private set; } = "";

    public async Task AuthenticateAsync(string clientId, string secret)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        });
        using var response = await _http.PostAsync("connect/token", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Token request failed ({(int)response.StatusCode}): {body}");
        Token = JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>Runs a GraphQL operation; any GraphQL error is an exception (the benchmark cannot go on without it).</summary>
    public async Task<JsonNode> GraphQLAsync(string query, object? variables = null)
    {
        var payload = JsonSerializer.Serialize(new { query, variables });
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("graphql", content);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body) ?? throw new InvalidOperationException("Empty GraphQL response");
        if (!response.IsSuccessStatusCode || json["errors"] is JsonArray { Count: > 0 })
            throw new InvalidOperationException($"GraphQL failed ({(int)response.StatusCode}): {body}");
        return json["data"]!;
    }

    public async Task TurnOnRespondAsync()
    {
        var terms = (await GraphQLAsync("{ respondSettings { requiredTerms enabled } }"))["respondSettings"]!;
        if (terms["enabled"]?.GetValue<bool>() == true) return;
        var acknowledged = terms["requiredTerms"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        var result = await GraphQLAsync(
            "mutation($terms: [String!]!) { turnOnRespond(input: { acknowledgedTerms: $terms }) { errors { code message } } }",
            new { terms = acknowledged });
        if (result["turnOnRespond"]!["errors"]!.AsArray().Count > 0)
            throw new InvalidOperationException("turnOnRespond failed: " + result.ToJsonString());
    }

    /// <summary>Creates the rule (ALERT_ONLY, every organization) and activates it; returns its id.</summary>
    public async Task<string> CreateActiveRuleAsync(BenchRule rule)
    {
        var created = await GraphQLAsync(
            """
            mutation($name: String!, $definition: JSON!) {
              createRule(input: { name: $name, outcome: ALERT_ONLY, definition: $definition }) {
                rule { id isValid validationErrors { nodeId field message } }
                errors { code message path }
              }
            }
            """,
            new { name = rule.Name, definition = rule.Definition });
        var payload = created["createRule"]!;
        if (payload["errors"]!.AsArray().Count > 0 || payload["rule"]?["isValid"]?.GetValue<bool>() != true)
            throw new InvalidOperationException($"createRule '{rule.Name}' failed: {payload.ToJsonString()}");
        var id = payload["rule"]!["id"]!.GetValue<string>();
        var activated = await GraphQLAsync(
            "mutation($id: ID!) { activateRule(input: { id: $id }) { rule { status } errors { code message } } }", new { id });
        if (activated["activateRule"]!["errors"]!.AsArray().Count > 0)
            throw new InvalidOperationException($"activateRule '{rule.Name}' failed: {activated.ToJsonString()}");
        return id;
    }

    /// <summary>POSTs one JSON array body; returns (accepted, duplicates, errors) or throws on a non-200.</summary>
    /// <summary>Posts one body; when evaluation is behind (503), waits the Retry-After the server asked for and sends it again.</summary>
    public async Task<(int Accepted, int Duplicates, int Errors)> PostEventsAsync(byte[] body, CancellationToken ct = default)
    {
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.PostAsync("api/events", content, ct);
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _refused);
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }
            return await ReadAsync(response, ct);
        }
    }

    private int _refused;

    /// <summary>Requests refused with 503 (evaluation behind) so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>
    /// Ingestion answers once events are in the log; evaluation follows, so a phase's time covers evaluating what it sent.
    /// Every node's view is read: on PostgreSQL (clustered, even with one node) a node's <c>evaluationLag.events</c> was seen to stay
    /// above zero after every event had been evaluated, and a node that does not hold an organization's lease may keep a
    /// stale view of it. Waits until, for every organization, the furthest checkpoint
    /// any node reports has reached the newest head any node reports (read from all nodes in the same round).
    /// </summary>
    public static async Task WaitForEvaluationAsync(IReadOnlyList<RespondClient> nodes, CancellationToken ct = default)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var views = await Task.WhenAll(nodes.Select(n => n.GraphQLAsync("{ evaluationLag { partitions { organizationId checkpoint head } } }")));
            var partitions = views.SelectMany(v => v["evaluationLag"]!["partitions"]!.AsArray())
                .Select(p => (Organization: p!["organizationId"]!.GetValue<string>(), Checkpoint: p["checkpoint"]!.GetValue<long>(), Head: p["head"]!.GetValue<long>()));
            if (partitions.GroupBy(p => p.Organization).All(g => g.Max(p => p.Checkpoint) >= g.Max(p => p.Head))) return;
            await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    private static async Task<(int Accepted, int Duplicates, int Errors)> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/events failed ({(int)response.StatusCode}): {text}");
        var json = JsonNode.Parse(text)!;
        return (json["accepted"]!.GetValue<int>(), json["duplicates"]!.GetValue<int>(), json["errors"]!.AsArray().Count);
    }

    public void Dispose() => _http.Dispose();
}
