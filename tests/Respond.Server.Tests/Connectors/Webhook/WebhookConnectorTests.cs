using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Webhook;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Tests.Connectors.Webhook;

public sealed class WebhookConnectorTests : IAsyncLifetime
{
    private const string Secret = "rmm-signing-secret";
    private const string Callback = "https://respond.example.com/api/webhooks/org-a/callback";
    private FakeHttpServer _rmm = null!;

    public async Task InitializeAsync() => _rmm = await FakeHttpServer.StartAsync(_ => new FakeResponse(200, new { status = "succeeded", details = "ok" }));

    public async Task DisposeAsync() => await _rmm.DisposeAsync();

    private static WebhookConnector Connector() => new(ConnectorHttp.Factory(), TimeProvider.System, NullLogger<WebhookConnector>.Instance);

    private ConnectorSettings Settings(string? url = null) =>
        new("org-a", JsonSerializer.SerializeToElement(new { url = url ?? _rmm.Url + "/respond/hook", callbackUrl = Callback }),
            new Dictionary<string, string> { ["signingSecret"] = Secret });

    private static ActionCommand Isolate(int attempt = 1) =>
        new("act-42", "org-a", ResponseActionType.IsolateDevice, new ActionTarget("dev-7", null, null, null, null, null),
            new JsonObject { ["reason"] = "ransomware" }, attempt);

    /// <summary>Checks the signature as an RMM would, recomputing the HMAC from the raw body.</summary>
    private static void AssertSigned(RecordedRequest request)
    {
        var timestamp = request.Header("X-Respond-Timestamp")!;
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture));
        Assert.InRange(DateTimeOffset.UtcNow - signedAt, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(30));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + request.Body));
        Assert.Equal("sha256=" + Convert.ToHexString(mac).ToLowerInvariant(), request.Header("X-Respond-Signature"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public void Signature_ExampleInTheDocs_Holds()
    {
        const string body = """{"actionId":"act-42","status":"succeeded","details":"Device isolated.","facts":{"ruleId":"fw-9"}}""";
        const string expected = "sha256=debc76b879b36858699b88d5d6a5f6a2384f1a64651c1ee8e47c4dbf7b2f5369";

        Assert.Equal(expected, WebhookSignature.Sign("whsec-example-0123456789", "1795000000", Encoding.UTF8.GetBytes(body)));
        Assert.True(WebhookSignature.Matches("whsec-example-0123456789", "1795000000", Encoding.UTF8.GetBytes(body), expected));
        Assert.True(WebhookSignature.Matches("whsec-example-0123456789", "1795000000", Encoding.UTF8.GetBytes(body), expected.ToUpperInvariant().Replace("SHA256=", "sha256=")));
        Assert.False(WebhookSignature.Matches("whsec-example-0123456789", "1795000001", Encoding.UTF8.GetBytes(body), expected));
        Assert.False(WebhookSignature.Matches("whsec-example-0123456789", "1795000000", Encoding.UTF8.GetBytes(body), "sha256=zz"));
    }

    [Fact]
    public void Capabilities_EndpointActionsExceptRunScriptPlusRestoreFile()
    {
        var expected = new[]
        {
            ResponseActionType.KillProcess, ResponseActionType.IsolateDevice, ResponseActionType.UnisolateDevice, ResponseActionType.QuarantineFile,
            ResponseActionType.BlockIp, ResponseActionType.UnblockIp, ResponseActionType.ResetUserSession, ResponseActionType.ForcePasswordReset,
            ResponseActionType.CollectForensics, ResponseActionType.RestoreFile,
        };
        Assert.Equal(expected.ToHashSet(), Connector().Capabilities.ToHashSet());
    }

    [Fact]
    public async Task Execute_RmmAnswersSucceeded_SignedRequestCarriesTheAction()
    {
        _rmm.Handler = _ => new FakeResponse(200, new { status = "succeeded", details = "Device isolated.", facts = new { ruleId = "fw-9" } });

        var outcome = await Connector().ExecuteAsync(Isolate(attempt: 2), Settings(), default);

        var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        Assert.Equal("Device isolated.", done.Details);
        Assert.Equal("""{"ruleId":"fw-9"}""", done.Facts!.ToJsonString());
        var request = Assert.Single(_rmm.Requests);
        Assert.Equal(("POST", "/respond/hook"), (request.Method, request.Target));
        AssertSigned(request);
        var body = request.Json;
        Assert.Equal("execute", body["kind"]!.GetValue<string>());
        Assert.True(Guid.TryParse(body["deliveryId"]!.GetValue<string>(), out _));
        Assert.Equal("act-42", body["actionId"]!.GetValue<string>());
        Assert.Equal("org-a", body["organizationId"]!.GetValue<string>());
        Assert.Equal("ISOLATE_DEVICE", body["type"]!.GetValue<string>());
        Assert.Equal("""{"deviceId":"dev-7"}""", body["target"]!.ToJsonString());
        Assert.Equal("""{"reason":"ransomware"}""", body["parameters"]!.ToJsonString());
        Assert.Equal(2, body["attempt"]!.GetValue<int>());
        Assert.Equal(Callback, body["callbackUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execute_EveryRequest_HasItsOwnDeliveryId()
    {
        await Connector().ExecuteAsync(Isolate(), Settings(), default);
        await Connector().ExecuteAsync(Isolate(), Settings(), default);

        Assert.Equal(2, _rmm.Requests.Select(r => r.Json["deliveryId"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Execute_RmmAnswersFailed_PermanentWithItsDetails()
    {
        _rmm.Handler = _ => new FakeResponse(200, new { status = "failed", details = "Device dev-7 is unknown to the RMM." });

        var outcome = await Connector().ExecuteAsync(Isolate(), Settings(), default);

        Assert.Equal(new ExecutionOutcome.Failed("Device dev-7 is unknown to the RMM.", Transient: false), outcome);
    }

    [Fact]
    public async Task Execute_RmmAccepts202_Dispatched()
    {
        _rmm.Handler = _ => new FakeResponse(202);

        var outcome = await Connector().ExecuteAsync(Isolate(), Settings(), default);

        Assert.IsType<ExecutionOutcome.Dispatched>(outcome);
    }

    [Theory]
    [InlineData(429, 30, true)]
    [InlineData(503, 10, true)]
    [InlineData(500, null, true)]
    [InlineData(408, null, true)]
    [InlineData(400, null, false)]
    [InlineData(404, null, false)]
    [InlineData(401, null, false)]
    public async Task Execute_HttpStatus_TransientOrPermanent(int status, int? retryAfter, bool transient)
    {
        _rmm.Handler = _ => retryAfter is { } s ? FakeResponse.RetryAfter(status, s, new { details = "nope" }) : new FakeResponse(status, new { details = "nope" });

        var outcome = await Connector().ExecuteAsync(Isolate(), Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.Equal(transient, failed.Transient);
        Assert.Equal(retryAfter is { } r ? TimeSpan.FromSeconds(r) : null, failed.RetryAfter);
    }

    [Fact]
    public async Task Execute_200WithoutStatus_Permanent()
    {
        _rmm.Handler = _ => new FakeResponse(200, new { ok = true });

        var outcome = await Connector().ExecuteAsync(Isolate(), Settings(), default);

        Assert.False(Assert.IsType<ExecutionOutcome.Failed>(outcome).Transient);
    }

    [Fact]
    public async Task Execute_Unreachable_Transient()
    {
        var outcome = await Connector().ExecuteAsync(Isolate(), Settings(FakeHttpServer.Unreachable() + "/hook"), default);

        Assert.True(Assert.IsType<ExecutionOutcome.Failed>(outcome).Transient);
    }

    [Fact]
    public async Task Execute_RunScript_NotForTheWebhook()
    {
        var command = Isolate() with { Type = ResponseActionType.RunScript };

        var outcome = await Connector().ExecuteAsync(command, Settings(), default);

        Assert.False(Assert.IsType<ExecutionOutcome.Failed>(outcome).Transient);
        Assert.Empty(_rmm.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verify_SignedVerifyRequest_ReturnsTheRmmsVerdict(bool passed)
    {
        _rmm.Handler = _ => new FakeResponse(200, new { passed, details = passed ? "Isolated." : "Network is open." });
        var facts = new JsonObject { ["ruleId"] = "fw-9" };

        var verified = await Connector().VerifyAsync(Isolate(), facts, Settings(), default);

        Assert.Equal(new VerificationOutcome(passed, passed ? "Isolated." : "Network is open."), verified);
        var request = Assert.Single(_rmm.Requests);
        AssertSigned(request);
        Assert.Equal("verify", request.Json["kind"]!.GetValue<string>());
        Assert.Equal("act-42", request.Json["actionId"]!.GetValue<string>());
        Assert.Equal("ISOLATE_DEVICE", request.Json["type"]!.GetValue<string>());
        Assert.Equal("""{"ruleId":"fw-9"}""", request.Json["facts"]!.ToJsonString());
    }

    [Fact]
    public async Task Verify_RmmUnavailable_NotConfirmed()
    {
        _rmm.Handler = _ => new FakeResponse(503);

        var verified = await Connector().VerifyAsync(Isolate(), null, Settings(), default);

        Assert.False(verified.Passed);
        Assert.Contains("503", verified.Details);
    }

    [Fact]
    public async Task Check_SignedPing_Healthy()
    {
        var check = await Connector().CheckAsync(Settings(), default);

        Assert.Equal(new ConnectionCheck(ConnectionStatus.Healthy, null), check);
        var request = Assert.Single(_rmm.Requests);
        AssertSigned(request);
        Assert.Equal("ping", request.Json["kind"]!.GetValue<string>());
        Assert.Equal("org-a", request.Json["organizationId"]!.GetValue<string>());
        Assert.NotNull(request.Json["deliveryId"]);
    }

    [Theory]
    [InlineData(204, ConnectionStatus.Healthy)]
    [InlineData(401, ConnectionStatus.NeedsAttention)]
    [InlineData(403, ConnectionStatus.NeedsAttention)]
    [InlineData(404, ConnectionStatus.Broken)]
    [InlineData(500, ConnectionStatus.Broken)]
    public async Task Check_Status_MapsToConnectionStatus(int status, ConnectionStatus expected)
    {
        _rmm.Handler = _ => new FakeResponse(status);

        var check = await Connector().CheckAsync(Settings(), default);

        Assert.Equal(expected, check.Status);
    }

    [Fact]
    public async Task Check_Unreachable_Broken()
    {
        var check = await Connector().CheckAsync(Settings(FakeHttpServer.Unreachable()), default);

        Assert.Equal(ConnectionStatus.Broken, check.Status);
    }

    [Fact]
    public async Task Check_NoSigningSecret_NeedsAttention()
    {
        var check = await Connector().CheckAsync(Settings() with { Secrets = new Dictionary<string, string>() }, default);

        Assert.Equal(new ConnectionCheck(ConnectionStatus.NeedsAttention, "Secret 'signingSecret' is not set."), check);
        Assert.Empty(_rmm.Requests);
    }
}
