using System.Net.Http.Json;
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
        var refused = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await FakeHttpServer.StartAsync(request =>
        {
            if (!Volatile.Read(ref accepting))
            {
                refused.TrySetResult(request);
                return new FakeResponse(503);
            }
            accepted.TrySetResult(request);
            return new FakeResponse(200);
        });
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
            Assert.NotNull(subscribed["createWebhookSubscription"]!["subscription"]);
            await RespondServerProcess.CreateActiveRuleAsync(http, "hook", AlertPerEventRule);
            (await http.PostAsJsonAsync("api/events", new[] { EngineScenario.Event("crash-hook-1") })).EnsureSuccessStatusCode();

            // Committed (a message is sent only once its transaction has committed) and refused so far, so not
            // delivered: then the process dies at once.
            messageId = (await refused.Task.WaitAsync(TimeSpan.FromMinutes(2))).Header("webhook-id")!;
            await server.KillAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }

        Volatile.Write(ref accepting, true);
        await using var restarted = await RespondServerProcess.StartAsync(directory, settings);
        var delivered = await accepted.Task.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(messageId, delivered.Header("webhook-id"));
        Assert.Equal("alert.raised", delivered.Json["type"]!.GetValue<string>());
        Assert.All(receiver.Requests, r => Assert.Equal(messageId, r.Header("webhook-id")));
    }
}
