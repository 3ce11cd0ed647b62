using System.Globalization;
using System.Text;
using System.Text.Json;
using Respond.Server.Connectors.Webhook;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Connectors.Webhook;

/// <summary>The webhook connector inside the real action lifecycle: handed over (202), completed by the RMM's signed callback, then verified.</summary>
public sealed class WebhookLifecycleTests
{
    [Fact]
    public async Task Action_HandedToRmmWith202_CompletedBySignedCallback_ThenVerified()
    {
        const string secret = "rmm-signing-secret-0123";
        await using var rmm = await FakeHttpServer.StartAsync(r => r.Json["kind"]!.GetValue<string>() switch
        {
            "execute" => new FakeResponse(202),
            "verify" => new FakeResponse(200, new { passed = true, details = "process not running" }),
            _ => new FakeResponse(200),
        });
        await using var api = ActionScenario.Host();
        await api.TurnOnAsync();
        var connected = await api.GraphQLAsync("admin", "mutation($s: JSON) { connectOrganization(input: { organizationId: \"org-a\", connector: WEBHOOK, settings: $s }) { errors { code } } testConnection(input: { organizationId: \"org-a\" }) { organization { connectionStatus } } }",
            new { s = new { url = rmm.Url + "/respond", signingSecret = secret } });
        Assert.Equal("HEALTHY", connected.Str("data.testConnection.organization.connectionStatus"));

        var id = (await api.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 808 })).Str("data.submitResponseAction.responseAction.id");
        // The runner's pass over the 202 has committed once the hand-over is recorded as the result (or the status moved on):
        // only then does "still EXECUTING" prove the 202 was taken as a hand-over rather than as the outcome.
        var handed = await api.WaitForAsync(id, a => a.Str("status") != "QUEUED" && (a.Str("status") != "EXECUTING" || a["result"] is not null));
        Assert.Equal("EXECUTING", handed.Str("status"));
        Assert.Equal("Handed to the RMM; its result arrives through the callback.", handed.Str("result"));
        Assert.Contains(rmm.Requests, r => r.Json["kind"]!.GetValue<string>() == "execute" && r.Json["actionId"]!.GetValue<string>() == id);

        var body = JsonSerializer.Serialize(new { actionId = id, status = "succeeded", details = "killed by the RMM" });
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var http = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/org-a/callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Respond-Timestamp", timestamp);
        request.Headers.Add("X-Respond-Signature", WebhookSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        var callback = await http.SendAsync(request);

        Assert.Equal("""{"accepted":true}""", await callback.Content.ReadAsStringAsync());
        var done = await api.WaitForAsync(id, a => a.Str("verificationStatus") == "PASSED");
        Assert.Equal("COMPLETED", done.Str("status"));
        Assert.Equal("killed by the RMM", done.Str("result"));
    }
}
