using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Connectors;

namespace Respond.Server.Tests.Connectors.Webhook;

/// <summary>The replay guard lives in the database: a callback accepted by one node is refused when replayed against another (issue 13).</summary>
public abstract class WebhookReplayAcrossNodesTests(TestDatabase database)
{
    private const string Secret = "org-a-signing-secret";

    private static async Task<HttpResponseMessage> PostSignedAsync(RespondApiFixture node, string body, string timestamp, string signature)
    {
        using var http = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/org-a/callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Respond-Timestamp", timestamp);
        request.Headers.Add("X-Respond-Signature", signature);
        return await http.SendAsync(request);
    }

    [SkippableFact]
    public async Task CallbackAcceptedByOneNode_ReplayedAgainstTheOther_RefusedAndReportedOnce()
    {
        var results = new RecordingActionResults();
        var first = RespondApiFixture.For(database).WithServices(s => s.AddSingleton<IActionResults>(results));
        await using var _ = first;
        var connected = await first.GraphQLAsync("admin", "mutation($s: JSON) { connectOrganization(input: { organizationId: \"org-a\", connector: WEBHOOK, settings: $s }) { errors { code } } }",
            new { s = new { url = "http://127.0.0.1:9/hook", callbackUrl = "http://localhost/api/webhooks/org-a/callback", signingSecret = Secret } });
        Assert.Empty(connected.Errors("connectOrganization"));
        var second = RespondApiFixture.On(first).WithServices(s => s.AddSingleton<IActionResults>(results));
        var body = JsonSerializer.Serialize(new { actionId = "act-across", status = "succeeded", details = "Isolated." });
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + body))).ToLowerInvariant();

        var accepted = await PostSignedAsync(first, body, timestamp, signature);
        var replayed = await PostSignedAsync(second, body, timestamp, signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal));
        await second.DisposeHostOnlyAsync();

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("already accepted", await replayed.Content.ReadAsStringAsync());
        Assert.Single(results.Reports, r => r.ActionId == "act-across");
    }

    public sealed class OnSqlite() : WebhookReplayAcrossNodesTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : WebhookReplayAcrossNodesTests(TestDatabase.PostgreSql);
}
