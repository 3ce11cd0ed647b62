using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Webhooks;

/// <summary>
/// The outbox survives a crash: a real server process whose message is committed but not yet delivered is killed with
/// SIGKILL; after the restart the message arrives, with the webhook-id it had before the kill.
/// </summary>
public sealed class WebhookOutboxCrashTests
{
    private const string AlertPerEventRule = """
        { "schemaVersion": 1, "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Failed sign-in {{id}}", "severity": "HIGH" } } ],
          "edges": [ { "from": "trigger", "to": "alert" } ] }
        """;

    [Fact]
    public async Task MessageCommittedButUndelivered_WhenTheServerIsKilled_IsDeliveredAfterTheRestartWithItsId()
    {
        var directory = Directory.CreateTempSubdirectory("respond-webhook-crash-").FullName;
        var accepting = false;
        await using var receiver = await FakeHttpServer.StartAsync(_ => new FakeResponse(Volatile.Read(ref accepting) ? 200 : 503));
        var settings = new Dictionary<string, string>
        {
            ["Respond__Outbound__AllowedNetworks__0"] = "127.0.0.1/32",
            ["Respond__Webhooks__AllowPlainHttp"] = "true",
            ["Respond__Webhooks__FirstRetryDelay"] = "00:00:00.200",
            ["Respond__Webhooks__MaxRetryDelay"] = "00:00:00.500",
            ["Respond__Webhooks__MaxAttempts"] = "100",
            ["Respond__Webhooks__AttemptTimeout"] = "00:00:02",
            ["Respond__Webhooks__PollInterval"] = "00:00:00.200",
        };

        string messageId;
        var server = await RespondServerProcess.StartAsync(directory, settings);
        try
        {
            using var http = await server.ClientAsync();
            await RespondServerProcess.GraphQLAsync(http, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
            var subscribed = await RespondServerProcess.GraphQLAsync(http, "mutation($url: String!) { createWebhookSubscription(input: { organizationId: \"org-a\", url: $url, events: [\"alert.raised\"] }) { subscription { id } errors { code message } } }",
                new { url = receiver.Url + "/hook" });
            var subscriptionId = subscribed["createWebhookSubscription"]!["subscription"]!["id"]!.GetValue<string>();
            var rule = await RespondServerProcess.GraphQLAsync(http, "mutation($d: JSON!) { createRule(input: { name: \"hook\", outcome: ALERT_ONLY, definition: $d }) { rule { id } } }",
                new { d = JsonDocument.Parse(AlertPerEventRule).RootElement });
            await RespondServerProcess.GraphQLAsync(http, "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id = rule["createRule"]!["rule"]!["id"]!.GetValue<string>() });
            (await http.PostAsJsonAsync("api/events", new[] { EngineScenario.Event("crash-hook-1") })).EnsureSuccessStatusCode();

            // Committed and attempted (the receiver refuses so far), not delivered: then the process dies at once.
            var message = await MessageAsync(http, subscriptionId, m => m["attemptCount"]!.GetValue<int>() >= 1);
            Assert.Equal("PENDING", message["status"]!.GetValue<string>());
            messageId = message["id"]!.GetValue<string>();
            await server.KillAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }

        Volatile.Write(ref accepting, true);
        await using var restarted = await RespondServerProcess.StartAsync(directory, settings);
        using var again = await restarted.ClientAsync();
        var subscriptions = await RespondServerProcess.GraphQLAsync(again, "{ webhookSubscriptions { id } }");
        var delivered = await MessageAsync(again, subscriptions["webhookSubscriptions"]![0]!["id"]!.GetValue<string>(), m => m["status"]!.GetValue<string>() == "DELIVERED");

        Assert.Equal(messageId, delivered["id"]!.GetValue<string>());
        var ok = receiver.Requests.Where(r => r.Header("webhook-id") == messageId).ToList();
        Assert.NotEmpty(ok);
        Assert.All(receiver.Requests, r => Assert.Equal(messageId, r.Header("webhook-id")));
        Assert.Equal("alert.raised", receiver.Requests.Last().Json["type"]!.GetValue<string>());
    }

    /// <summary>Reads the subscription's messages until one satisfies <paramref name="condition"/> (a real process: its own clock, bounded).</summary>
    private static async Task<JsonNode> MessageAsync(HttpClient http, string subscriptionId, Func<JsonNode, bool> condition)
    {
        JsonNode? last = null;
        for (var started = DateTime.UtcNow; DateTime.UtcNow - started < TimeSpan.FromMinutes(2);)
        {
            var read = await RespondServerProcess.GraphQLAsync(http, "query($id: ID!) { webhookMessages(subscriptionId: $id) { id status attemptCount } }", new { id = subscriptionId });
            last = read["webhookMessages"]!.AsArray().FirstOrDefault();
            if (last is not null && condition(last)) return last;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("No message reached the expected state; last: " + last?.ToJsonString());
    }
}
