using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Webhook;
using Respond.Workflows;

namespace Respond.Server.Tests.Connectors.Webhook;

/// <summary>Stands in for the response-actions feature: records the late results connectors report.</summary>
public sealed class RecordingActionResults : IActionResults
{
    public ConcurrentQueue<(string OrganizationId, string ActionId, bool Succeeded, string Details, JsonObject? Facts)> Reports { get; } = new();

    public Task<bool> ReportAsync(string organizationId, string actionId, bool succeeded, string details, JsonObject? facts, CancellationToken ct)
    {
        Reports.Enqueue((organizationId, actionId, succeeded, details, facts));
        return Task.FromResult(actionId != "unknown-action");
    }
}

/// <summary>One host for the class: org-a and org-b each connected to a webhook with its own signing secret.</summary>
public sealed class WebhookCallbackFixture : IAsyncLifetime
{
    public const string SecretA = "org-a-signing-secret";
    public const string SecretB = "org-b-signing-secret";
    public RecordingActionResults Results { get; } = new();
    public RespondApiFixture Api { get; }

    public WebhookCallbackFixture() => Api = new RespondApiFixture().WithServices(s => s.AddSingleton<IActionResults>(Results));

    public async Task InitializeAsync()
    {
        foreach (var (org, secret) in new[] { ("org-a", SecretA), ("org-b", SecretB) })
        {
            var connected = await Api.GraphQLAsync("admin", "mutation($o: ID!, $s: JSON) { connectOrganization(input: { organizationId: $o, connector: WEBHOOK, settings: $s }) { errors { code message } } }",
                new { o = org, s = new { url = "http://127.0.0.1:9/hook", callbackUrl = $"http://localhost/api/webhooks/{org}/callback", signingSecret = secret } });
            Assert.Empty(connected.Errors("connectOrganization"));
        }
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

public sealed class WebhookCallbackApiTests(WebhookCallbackFixture fixture) : IClassFixture<WebhookCallbackFixture>
{
    private RecordingActionResults Results => fixture.Results;

    private static string Body(string actionId, string status = "succeeded", string details = "Done.") =>
        JsonSerializer.Serialize(new { actionId, status, details });

    /// <summary>Signs as an RMM would (HMAC computed here, independently of the server's code).</summary>
    private static (string Timestamp, string Signature) Sign(string secret, string body, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        return (timestamp, "sha256=" + Convert.ToHexString(mac).ToLowerInvariant());
    }

    private async Task<HttpResponseMessage> PostAsync(string organizationId, string body, (string Timestamp, string Signature)? signed)
    {
        using var http = fixture.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{organizationId}/callback")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signed is { } s)
        {
            request.Headers.Add("X-Respond-Timestamp", s.Timestamp);
            request.Headers.Add("X-Respond-Signature", s.Signature);
        }
        return await http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostSignedAsync(string organizationId, string body, string secret = WebhookCallbackFixture.SecretA, DateTimeOffset? at = null) =>
        PostAsync(organizationId, body, Sign(secret, body, at));

    private int ReportsFor(string actionId) => Results.Reports.Count(r => r.ActionId == actionId);

    [Fact]
    public async Task Callback_Signed_ReportedOnceAndItsReplayRefused()
    {
        var body = JsonSerializer.Serialize(new { actionId = "act-once", status = "succeeded", details = "Isolated.", facts = new { ruleId = "fw-1" } });
        var signed = Sign(WebhookCallbackFixture.SecretA, body);

        var first = await PostAsync("org-a", body, signed);
        var replay = await PostAsync("org-a", body, signed);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"accepted":true}""", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already accepted", await replay.Content.ReadAsStringAsync());
        var report = Assert.Single(Results.Reports, r => r.ActionId == "act-once");
        Assert.Equal(("org-a", true, "Isolated.", """{"ruleId":"fw-1"}"""), (report.OrganizationId, report.Succeeded, report.Details, report.Facts!.ToJsonString()));
    }

    [Fact]
    public async Task Callback_FailedStatus_ReportedAsFailure()
    {
        var response = await PostSignedAsync("org-a", Body("act-failed", "failed", "Agent offline."));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = Assert.Single(Results.Reports, r => r.ActionId == "act-failed");
        Assert.False(report.Succeeded);
        Assert.Null(report.Facts);
    }

    [Fact]
    public async Task Callback_SameResultSignedAgainLater_AcceptedAsANewDelivery()
    {
        var body = Body("act-resent");

        var first = await PostSignedAsync("org-a", body, at: DateTimeOffset.UtcNow.AddSeconds(-10));
        var second = await PostSignedAsync("org-a", body);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task Callback_TimestampMoreThanFiveMinutesAway_Refused(int minutes)
    {
        var action = $"act-stale{minutes}";

        var response = await PostSignedAsync("org-a", Body(action), at: DateTimeOffset.UtcNow.AddMinutes(minutes));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, ReportsFor(action));
    }

    [Fact]
    public async Task Callback_FourMinutesOld_StillAccepted()
    {
        var response = await PostSignedAsync("org-a", Body("act-4min"), at: DateTimeOffset.UtcNow.AddMinutes(-4));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Callback_WrongSecret_Refused()
    {
        var response = await PostSignedAsync("org-a", Body("act-wrong"), secret: "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, ReportsFor("act-wrong"));
    }

    [Fact]
    public async Task Callback_BodyChangedAfterSigning_Refused()
    {
        var signed = Sign(WebhookCallbackFixture.SecretA, Body("act-tampered", "failed"));

        var response = await PostAsync("org-a", Body("act-tampered", "succeeded"), signed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, ReportsFor("act-tampered"));
    }

    [Fact]
    public async Task Callback_SignedWithAnotherOrganizationsSecret_Refused()
    {
        var body = Body("act-cross");

        var crossed = await PostSignedAsync("org-a", body, secret: WebhookCallbackFixture.SecretB);
        var own = await PostSignedAsync("org-b", body, secret: WebhookCallbackFixture.SecretB);

        Assert.Equal(HttpStatusCode.Unauthorized, crossed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("org-b", Assert.Single(Results.Reports, r => r.ActionId == "act-cross").OrganizationId);
    }

    [Theory]
    [InlineData(null, "sha256=00")]
    [InlineData("1700000000", null)]
    [InlineData("not-a-number", "sha256=00")]
    [InlineData(null, null)]
    public async Task Callback_MissingOrMalformedSignatureHeaders_Refused(string? timestamp, string? signature)
    {
        using var http = fixture.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/org-a/callback") { Content = new StringContent(Body("act-unsigned"), Encoding.UTF8, "application/json") };
        if (timestamp is not null) request.Headers.Add("X-Respond-Timestamp", timestamp);
        if (signature is not null) request.Headers.Add("X-Respond-Signature", signature);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, ReportsFor("act-unsigned"));
    }

    [Theory]
    [InlineData("not json", "JSON object")]
    [InlineData("""{"actionId":"act-m","actionId":"act-m","status":"failed","details":"x"}""", "JSON object")]
    [InlineData("""{"status":"succeeded","details":"x"}""", "'actionId'")]
    [InlineData("""{"actionId":"","status":"succeeded","details":"x"}""", "'actionId'")]
    [InlineData("""{"actionId":"act-m","status":"done","details":"x"}""", "'status'")]
    [InlineData("""{"actionId":"act-m","status":"failed"}""", "'details'")]
    [InlineData("""{"actionId":"act-m","status":"failed","details":7}""", "'details'")]
    [InlineData("""{"actionId":"act-m","status":"failed","details":"x","facts":[1]}""", "'facts'")]
    public async Task Callback_SignedButMalformed_400NamingTheField(string body, string named)
    {
        var response = await PostSignedAsync("org-a", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(named, problem["detail"]!.GetValue<string>());
        Assert.Equal(0, ReportsFor("act-m"));
    }

    [Fact]
    public async Task Callback_OrganizationWithoutWebhook_404()
    {
        var response = await PostSignedAsync("org-nowhere", Body("act-404"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Callback_BodyOver64KB_413()
    {
        var body = Body("act-big", details: new string('x', 70 * 1024));

        var response = await PostSignedAsync("org-a", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, ReportsFor("act-big"));
    }

    [Fact]
    public async Task Callback_ActionNotExecuting_200NotAccepted()
    {
        var response = await PostSignedAsync("org-a", Body("unknown-action"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"accepted":false}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExecuteDispatched_ThenRmmCallsBack_ResultReachesActionResults()
    {
        await using var rmm = await FakeHttpServer.StartAsync(_ => new FakeResponse(202));
        var connector = new WebhookConnector(ConnectorHttp.Factory(), TimeProvider.System, NullLogger<WebhookConnector>.Instance);
        var settings = new ConnectorSettings("org-a",
            JsonSerializer.SerializeToElement(new { url = rmm.Url, callbackUrl = "http://localhost/api/webhooks/org-a/callback" }),
            new Dictionary<string, string> { ["signingSecret"] = WebhookCallbackFixture.SecretA });
        var command = new ActionCommand("act-async", "org-a", ResponseActionType.KillProcess, new ActionTarget("dev-1", null, null, 4242, null, null), new JsonObject(), 1);

        var outcome = await connector.ExecuteAsync(command, settings, default);
        var sent = Assert.Single(rmm.Requests).Json;
        var callback = JsonSerializer.Serialize(new { actionId = sent["actionId"]!.GetValue<string>(), status = "succeeded", details = "Process 4242 killed." });
        var response = await PostSignedAsync(new Uri(sent["callbackUrl"]!.GetValue<string>()).Segments[3].TrimEnd('/'), callback);

        Assert.IsType<ExecutionOutcome.Dispatched>(outcome);
        Assert.Equal("""{"deviceId":"dev-1","processId":4242}""", sent["target"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("org-a", true, "Process 4242 killed."), Results.Reports.Where(r => r.ActionId == "act-async").Select(r => (r.OrganizationId, r.Succeeded, r.Details)).Single());
    }
}
