using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Graph;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Tests.Connectors.Graph;

public sealed class GraphConnectorTests : IAsyncLifetime
{
    private const string Upn = "alice@contoso.com";
    private FakeGraph _graph = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraph.StartAsync();
        _graph.AddUser(Upn);
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private static GraphConnector Connector(TimeProvider? time = null, ListLogger<GraphConnector>? log = null) =>
        new(ConnectorHttp.Factory(), time ?? TimeProvider.System, (ILogger<GraphConnector>?)log ?? NullLogger<GraphConnector>.Instance);

    private static ActionCommand Command(ResponseActionType type, string? userId = Upn) =>
        new("act-1", "org-a", type, new ActionTarget(null, userId, null, null, null, null), new JsonObject(), 1);

    // ---- the exact requests

    [Theory]
    [InlineData(ResponseActionType.BlockSignIn, "PATCH", "", """{"accountEnabled":false}""")]
    [InlineData(ResponseActionType.UnblockSignIn, "PATCH", "", """{"accountEnabled":true}""")]
    [InlineData(ResponseActionType.ExpireAccountLogins, "POST", "/revokeSignInSessions", "")]
    [InlineData(ResponseActionType.ForcePasswordChangeNextSignIn, "PATCH", "", """{"passwordProfile":{"forceChangePasswordNextSignIn":true}}""")]
    public async Task Execute_IdentityAction_SendsExactGraphRequestWithBearerToken(ResponseActionType type, string method, string suffix, string body)
    {
        var outcome = await Connector().ExecuteAsync(Command(type), _graph.Settings(), default);

        var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        var request = Assert.Single(_graph.GraphRequests);
        Assert.Equal(method, request.Method);
        Assert.Equal($"/v1.0/users/alice%40contoso.com{suffix}", request.Target);
        Assert.Equal("Bearer token-1", request.Header("Authorization"));
        Assert.Equal(body, request.Body);
        if (body.Length > 0) Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Equal(Upn, done.Facts!["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execute_FirstCall_GetsClientCredentialsTokenForGraph()
    {
        await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var token = Assert.Single(_graph.TokenRequests);
        Assert.Equal("POST", token.Method);
        Assert.Equal("/tenant-1/oauth2/v2.0/token", token.Target);
        Assert.StartsWith("application/x-www-form-urlencoded", token.Header("Content-Type"));
        var form = token.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        Assert.Equal(FakeGraph.ClientId, form["client_id"]);
        Assert.Equal(FakeGraph.ClientSecret, form["client_secret"]);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("https://graph.microsoft.com/.default", form["scope"]);
        Assert.Equal(4, form.Count);
    }

    [Fact]
    public async Task Execute_ResetUserPassword_StrongRandomPasswordNeitherReturnedNorLogged()
    {
        var log = new ListLogger<GraphConnector>();
        var connector = Connector(log: log);

        var first = await connector.ExecuteAsync(Command(ResponseActionType.ResetUserPassword), _graph.Settings(), default);
        var second = await connector.ExecuteAsync(Command(ResponseActionType.ResetUserPassword), _graph.Settings(), default);

        var requests = _graph.GraphRequests.ToList();
        Assert.All(requests, r => Assert.Equal(("PATCH", "/v1.0/users/alice%40contoso.com"), (r.Method, r.Target)));
        var profiles = requests.Select(r => r.Json["passwordProfile"]!.AsObject()).ToList();
        var passwords = profiles.Select(p => p["password"]!.GetValue<string>()).ToList();
        Assert.All(profiles, p => Assert.True(p["forceChangePasswordNextSignIn"]!.GetValue<bool>()));
        Assert.All(profiles, p => Assert.Equal(2, p.Count));
        Assert.NotEqual(passwords[0], passwords[1]);
        foreach (var password in passwords)
        {
            Assert.True(password.Length >= 16);
            Assert.Contains(password, char.IsUpper);
            Assert.Contains(password, char.IsLower);
            Assert.Contains(password, char.IsDigit);
            Assert.Contains(password, c => !char.IsLetterOrDigit(c));
        }
        foreach (var outcome in new[] { first, second })
        {
            var done = Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
            Assert.Contains("help desk", done.Details);
            Assert.All(passwords, p => Assert.DoesNotContain(p, done.Details + done.Facts!.ToJsonString()));
        }
        Assert.All(passwords, p => Assert.DoesNotContain(log.Lines, line => line.Contains(p)));
    }

    [Fact]
    public async Task Execute_GuestUpnWithReservedCharacters_EscapedAsOnePathSegment()
    {
        const string guest = "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com";
        _graph.AddUser(guest);

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn, guest), _graph.Settings(), default);

        Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        Assert.Equal("/v1.0/users/bob_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com", Assert.Single(_graph.GraphRequests).Target);
        Assert.False(_graph.Users[guest]["accountEnabled"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("..")]
    public async Task Execute_NoUsableUserId_PermanentWithoutCallingGraph(string? userId)
    {
        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn, userId), _graph.Settings(), default);

        Assert.False(Assert.IsType<ExecutionOutcome.Failed>(outcome).Transient);
        Assert.Empty(_graph.Server.Requests);
    }

    [Fact]
    public async Task Execute_EndpointActionType_RefusedPermanently()
    {
        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.IsolateDevice), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("ISOLATE_DEVICE", failed.Reason);
    }

    // ---- tokens

    [Fact]
    public async Task Execute_SeveralActions_TokenCachedUntilShortlyBeforeExpiry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var connector = Connector(time);

        await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);
        time.Advance(TimeSpan.FromMinutes(50));
        await connector.ExecuteAsync(Command(ResponseActionType.UnblockSignIn), _graph.Settings(), default);
        Assert.Equal(1, _graph.TokensIssued);
        time.Advance(TimeSpan.FromMinutes(5)); // 55 minutes into a 60-minute token: refreshed ahead of expiry
        await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        Assert.Equal(2, _graph.TokensIssued);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], _graph.GraphRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Execute_ChangedSecret_GetsTokenOfItsOwn()
    {
        var connector = Connector();

        await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);
        await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(secret: "rotated-secret"), default);

        Assert.Equal(2, _graph.TokensIssued);
    }

    [Fact]
    public async Task Execute_TokenRejectedByGraph_RefreshedOnceAndRetried()
    {
        var connector = Connector();
        await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);
        _graph.Scripted.Enqueue(FakeGraph.Error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."));

        var outcome = await connector.ExecuteAsync(Command(ResponseActionType.UnblockSignIn), _graph.Settings(), default);

        Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], _graph.GraphRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Execute_InvalidClientSecret_PermanentNamingEntrasReason()
    {
        _graph.TokenRefusal = new FakeResponse(401, new
        {
            error = "invalid_client",
            error_description = "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2",
        });

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("AADSTS7000215: Invalid client secret provided.", failed.Reason);
        Assert.DoesNotContain("Trace ID", failed.Reason);
        Assert.Empty(_graph.GraphRequests);
    }

    // ---- throttling and failures

    [Fact]
    public async Task Execute_Throttled429WithShortRetryAfter_WaitsAndRetries()
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(429, "TooManyRequests", "Too many requests.", retryAfter: 1));
        var clock = Stopwatch.StartNew();

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        Assert.IsType<ExecutionOutcome.Succeeded>(outcome);
        Assert.Equal(2, _graph.GraphRequests.Count());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}");
        Assert.False(_graph.Users[Upn]["accountEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Execute_ThrottledOnEveryTry_TransientAfterMaxTries()
    {
        for (var i = 0; i < 5; i++) _graph.Scripted.Enqueue(FakeGraph.Error(429, "TooManyRequests", "Too many requests.", retryAfter: 0));

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.True(failed.Transient);
        Assert.Equal(TimeSpan.Zero, failed.RetryAfter);
        Assert.Equal(GraphConnector.MaxTries, _graph.GraphRequests.Count());
    }

    [Theory]
    [InlineData(429, 120)]
    [InlineData(503, 90)]
    public async Task Execute_ThrottledWithLongRetryAfter_TransientCarryingItWithoutWaiting(int status, int seconds)
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(status, "TooManyRequests", "Slow down.", retryAfter: seconds));

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.True(failed.Transient);
        Assert.Equal(TimeSpan.FromSeconds(seconds), failed.RetryAfter);
        Assert.Single(_graph.GraphRequests);
    }

    [Fact]
    public async Task Execute_Forbidden_PermanentPermissionDeniedNamingThePermission()
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("permission denied", failed.Reason);
        Assert.Contains("User.ReadWrite.All", failed.Reason);
        Assert.Contains("Authorization_RequestDenied", failed.Reason);
    }

    [Fact]
    public async Task Execute_UnknownUser_PermanentUserNotFound()
    {
        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn, "nobody@contoso.com"), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("user not found: nobody@contoso.com", failed.Reason);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Execute_ServerError_Transient(int status)
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(status, "UnknownError", "Something went wrong."));

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        Assert.True(Assert.IsType<ExecutionOutcome.Failed>(outcome).Transient);
    }

    [Fact]
    public async Task Execute_BadRequest_PermanentWithGraphsMessage()
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(400, "Request_BadRequest", "The specified password does not comply with password complexity requirements."));

        var outcome = await Connector().ExecuteAsync(Command(ResponseActionType.ResetUserPassword), _graph.Settings(), default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("password complexity", failed.Reason);
    }

    [Fact]
    public async Task Execute_GraphOrSignInUnreachable_Transient()
    {
        var graphDown = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(graphBaseUrl: FakeHttpServer.Unreachable()), default);
        var loginDown = await Connector().ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(loginBaseUrl: FakeHttpServer.Unreachable()), default);

        Assert.True(Assert.IsType<ExecutionOutcome.Failed>(graphDown).Transient);
        Assert.True(Assert.IsType<ExecutionOutcome.Failed>(loginDown).Transient);
    }

    // ---- verification

    [Fact]
    public async Task Verify_AfterBlock_ReadsTheUserAndPasses()
    {
        var connector = Connector();
        var executed = (ExecutionOutcome.Succeeded)await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);

        var verified = await connector.VerifyAsync(Command(ResponseActionType.BlockSignIn), executed.Facts, _graph.Settings(), default);

        Assert.True(verified.Passed, verified.Details);
        var read = _graph.GraphRequests.Last();
        Assert.Equal("GET", read.Method);
        Assert.Equal("/v1.0/users/alice%40contoso.com?$select=accountEnabled,signInSessionsValidFromDateTime,lastPasswordChangeDateTime", read.Target);
        Assert.Equal("Bearer token-1", read.Header("Authorization"));
    }

    [Fact]
    public async Task Verify_BlockUndoneSinceThen_Fails()
    {
        var connector = Connector();
        var executed = (ExecutionOutcome.Succeeded)await connector.ExecuteAsync(Command(ResponseActionType.BlockSignIn), _graph.Settings(), default);
        _graph.Users[Upn]["accountEnabled"] = true; // someone re-enabled the account

        var verified = await connector.VerifyAsync(Command(ResponseActionType.BlockSignIn), executed.Facts, _graph.Settings(), default);

        Assert.False(verified.Passed);
        Assert.Contains("accountEnabled is true", verified.Details);
    }

    [Fact]
    public async Task Verify_Unblock_PassesWhenEnabled()
    {
        _graph.Users[Upn]["accountEnabled"] = false;
        var connector = Connector();
        var executed = (ExecutionOutcome.Succeeded)await connector.ExecuteAsync(Command(ResponseActionType.UnblockSignIn), _graph.Settings(), default);

        var verified = await connector.VerifyAsync(Command(ResponseActionType.UnblockSignIn), executed.Facts, _graph.Settings(), default);

        Assert.True(verified.Passed, verified.Details);
    }

    [Fact]
    public async Task Verify_ExpireAccountLogins_PassesWhenSessionsValidFromIsAfterTheAction()
    {
        var connector = Connector();
        var executed = (ExecutionOutcome.Succeeded)await connector.ExecuteAsync(Command(ResponseActionType.ExpireAccountLogins), _graph.Settings(), default);

        var verified = await connector.VerifyAsync(Command(ResponseActionType.ExpireAccountLogins), executed.Facts, _graph.Settings(), default);

        Assert.True(verified.Passed, verified.Details);
    }

    [Fact]
    public async Task Verify_ExpireAccountLogins_FailsWhenSessionsWereNotRevoked()
    {
        var facts = new JsonObject { ["userId"] = Upn, ["requestedAt"] = DateTimeOffset.UtcNow.ToString("O") };

        var verified = await Connector().VerifyAsync(Command(ResponseActionType.ExpireAccountLogins), facts, _graph.Settings(), default);

        Assert.False(verified.Passed);
        Assert.Contains("signInSessionsValidFromDateTime", verified.Details);
    }

    [Fact]
    public async Task Verify_ResetPassword_ChecksLastPasswordChange()
    {
        var connector = Connector();
        var executed = (ExecutionOutcome.Succeeded)await connector.ExecuteAsync(Command(ResponseActionType.ResetUserPassword), _graph.Settings(), default);
        var passed = await connector.VerifyAsync(Command(ResponseActionType.ResetUserPassword), executed.Facts, _graph.Settings(), default);
        _graph.Users[Upn]["lastPasswordChangeDateTime"] = "2026-01-01T00:00:00Z";
        var failed = await connector.VerifyAsync(Command(ResponseActionType.ResetUserPassword), executed.Facts, _graph.Settings(), default);

        Assert.True(passed.Passed, passed.Details);
        Assert.False(failed.Passed);
    }

    [Fact]
    public async Task Verify_ForcePasswordChange_NotApplicableWithoutCallingGraph()
    {
        var verified = await Connector().VerifyAsync(Command(ResponseActionType.ForcePasswordChangeNextSignIn), null, _graph.Settings(), default);

        Assert.Null(verified.Passed);
        Assert.Empty(_graph.Server.Requests);
    }

    [Fact]
    public async Task Verify_UserGone_FailsSayingSo()
    {
        var verified = await Connector().VerifyAsync(Command(ResponseActionType.BlockSignIn, "gone@contoso.com"), null, _graph.Settings(), default);

        Assert.False(verified.Passed);
        Assert.Contains("user not found", verified.Details);
    }

    // ---- connection check

    [Fact]
    public async Task Check_TokenAndUserReadWork_Healthy()
    {
        var check = await Connector().CheckAsync(_graph.Settings(), default);

        Assert.Equal(new ConnectionCheck(ConnectionStatus.Healthy, null), check);
        var read = Assert.Single(_graph.GraphRequests);
        Assert.Equal(("GET", "/v1.0/users?$top=1&$select=id", "Bearer token-1"), (read.Method, read.Target, read.Header("Authorization")));
    }

    [Fact]
    public async Task Check_AlwaysGetsAFreshToken()
    {
        var connector = Connector();

        await connector.CheckAsync(_graph.Settings(), default);
        await connector.CheckAsync(_graph.Settings(), default);

        Assert.Equal(2, _graph.TokensIssued);
    }

    [Theory]
    [InlineData(400, "invalid_request", "AADSTS90002: Tenant 'tenant-1' not found.")]
    [InlineData(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")]
    public async Task Check_CredentialsRefused_NeedsAttentionWithEntrasReason(int status, string error, string description)
    {
        _graph.TokenRefusal = new FakeResponse(status, new { error, error_description = description + "\r\nTrace ID: x" });

        var check = await Connector().CheckAsync(_graph.Settings(), default);

        Assert.Equal(ConnectionStatus.NeedsAttention, check.Status);
        Assert.Contains(description, check.Error);
    }

    [Fact]
    public async Task Check_NoConsentForUsers_NeedsAttentionNamingThePermission()
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var check = await Connector().CheckAsync(_graph.Settings(), default);

        Assert.Equal(ConnectionStatus.NeedsAttention, check.Status);
        Assert.Contains("User.ReadWrite.All", check.Error);
    }

    [Fact]
    public async Task Check_SignInUnreachable_Broken()
    {
        var check = await Connector().CheckAsync(_graph.Settings(loginBaseUrl: FakeHttpServer.Unreachable()), default);

        Assert.Equal(ConnectionStatus.Broken, check.Status);
    }

    [Fact]
    public async Task Check_GraphFailing_Broken()
    {
        _graph.Scripted.Enqueue(FakeGraph.Error(500, "UnknownError", "Boom."));

        var check = await Connector().CheckAsync(_graph.Settings(), default);

        Assert.Equal(ConnectionStatus.Broken, check.Status);
    }

    [Fact]
    public async Task Check_SecretMissing_NeedsAttentionWithoutCalling()
    {
        var settings = _graph.Settings() with { Secrets = new Dictionary<string, string>() };

        var check = await Connector().CheckAsync(settings, default);

        Assert.Equal(new ConnectionCheck(ConnectionStatus.NeedsAttention, "Secret 'clientSecret' is not set."), check);
        Assert.Empty(_graph.Server.Requests);
    }
}
