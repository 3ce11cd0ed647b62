using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Respond.Server.Tests.Identity;

/// <summary>One host for the class: requests choose their source address; the clock is fake; secret verifications are counted.</summary>
public sealed class HardenedEdgeFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    public CountingApplicationManager.Counter Verifications { get; } = new();
    public RespondApiFixture Api { get; }

    public HardenedEdgeFixture()
    {
        Api = new RespondApiFixture().WithSourceAddressHeader().WithServices(s =>
        {
            s.AddSingleton<TimeProvider>(Time);
            CountingApplicationManager.Install(s, Verifications);
        });
    }

    public Task InitializeAsync()
    {
        Api.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

public sealed class TokenEndpointHardeningTests(HardenedEdgeFixture edge) : IClassFixture<HardenedEdgeFixture>
{
    private RespondApiFixture Api => edge.Api;

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private async Task<HttpResponseMessage> ClientCredentialsAsync(string source, string clientId, string secret)
    {
        using var http = Api.ClientFrom(source);
        return await http.PostAsync("/connect/token", Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret)));
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {string.Join(",", response.Headers.WwwAuthenticate)} {await response.Content.ReadAsStringAsync()}";

    [Fact]
    public async Task ClientAuthentication_UnknownClientAndWrongSecret_AnswerIdenticallyAfterTheSameSecretVerification()
    {
        edge.Verifications.Reset();
        var unknown = await ClientCredentialsAsync("198.51.100.1", "no-such-client", "some-secret-0123456789");
        var unknownVerifications = edge.Verifications.SecretVerifications;
        edge.Verifications.Reset();
        var wrong = await ClientCredentialsAsync("198.51.100.1", "viewer", "some-secret-0123456789");
        var wrongVerifications = edge.Verifications.SecretVerifications;

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(await DescribeAsync(wrong), await DescribeAsync(unknown));
        Assert.Equal(1, wrongVerifications);
        Assert.Equal(1, unknownVerifications); // the stand-in's secret, at the same hashing cost
    }

    [Fact]
    public async Task ClientAuthentication_ThirtyFirstFailureFromOneAddressInAMinute_ThrottledEvenWithTheRightSecret()
    {
        const string attacker = "203.0.113.7";
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await ClientCredentialsAsync(attacker, "guess-" + i, "wrong-secret-0123456789")).StatusCode);

        var thirtyFirst = await ClientCredentialsAsync(attacker, "viewer", RespondApiFixture.Secret);
        var elsewhere = await ClientCredentialsAsync("203.0.113.8", "viewer", RespondApiFixture.Secret);
        edge.Time.Advance(TimeSpan.FromSeconds(61));
        var aMinuteLater = await ClientCredentialsAsync(attacker, "viewer", RespondApiFixture.Secret);

        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirst.StatusCode);
        Assert.InRange(int.Parse(thirtyFirst.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, aMinuteLater.StatusCode);
    }

    [Fact]
    public async Task ClientAuthentication_ThirtyFirstFailureForOneClientInAMinute_ThrottledForAddressesThatFailed_NotForAFreshOne()
    {
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await ClientCredentialsAsync($"192.0.2.{i + 1}", "admin-a", "wrong-secret-0123456789")).StatusCode);

        edge.Verifications.Reset();
        var thirtyFirst = await ClientCredentialsAsync("192.0.2.1", "admin-a", "another-wrong-secret-0123");
        var verifiedWhileThrottled = edge.Verifications.SecretVerifications;
        var rightSecretFromAFreshAddress = await ClientCredentialsAsync("192.0.2.200", "admin-a", RespondApiFixture.Secret);
        var wrongFromAFreshAddress = await ClientCredentialsAsync("192.0.2.201", "admin-a", "wrong-secret-0123456789");
        var thatAddressAgain = await ClientCredentialsAsync("192.0.2.201", "admin-a", "wrong-secret-0123456789");

        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirst.StatusCode);
        Assert.Equal(0, verifiedWhileThrottled);
        Assert.Equal(HttpStatusCode.OK, rightSecretFromAFreshAddress.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongFromAFreshAddress.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, thatAddressAgain.StatusCode);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(null)] // no method means plain
    public async Task Authorize_PlainPkce_RefusedWithoutACode(string? method)
    {
        using var browser = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await AuthorizationCodeFlowTests.LoginAsync(browser, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });

        var response = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "respond-designer", ["response_type"] = "code", ["redirect_uri"] = "http://localhost/auth/callback",
            ["code_challenge"] = "a-plain-challenge-that-is-the-verifier-itself-0123456789", ["code_challenge_method"] = method, ["state"] = "s1",
        }));

        var answer = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", answer);
        Assert.DoesNotContain("code=", answer);
    }

    [Fact]
    public async Task Discovery_OffersS256AndTheRevocationAndIntrospectionEndpoints()
    {
        using var http = Api.CreateClient();

        var discovery = (await http.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;

        Assert.Equal("[\"S256\"]", discovery.At("code_challenge_methods_supported").ToJsonString());
        Assert.Equal("http://localhost/connect/revoke", discovery.Str("revocation_endpoint"));
        Assert.Equal("http://localhost/connect/introspect", discovery.Str("introspection_endpoint"));
    }

    [Fact]
    public async Task RevokedAccessToken_InactiveAtIntrospectionAndRefusedByGraphQL()
    {
        using var http = Api.ClientFrom("198.51.100.20");
        var token = (await (await http.PostAsync("/connect/token", Form(("grant_type", "client_credentials"), ("client_id", "viewer-a"), ("client_secret", RespondApiFixture.Secret))))
            .Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token");
        var credentials = new[] { ("client_id", "viewer-a"), ("client_secret", RespondApiFixture.Secret) };

        var before = (await (await http.PostAsync("/connect/introspect", Form([("token", token), .. credentials]))).Content.ReadFromJsonAsync<JsonObject>())!;
        var revoked = await http.PostAsync("/connect/revoke", Form([("token", token), ("token_type_hint", "access_token"), .. credentials]));
        var after = (await (await http.PostAsync("/connect/introspect", Form([("token", token), .. credentials]))).Content.ReadFromJsonAsync<JsonObject>())!;
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var graphql = await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { id } }" });

        Assert.True(before.At("active").GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.False(after.At("active").GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, graphql.StatusCode);
    }

    [Fact]
    public async Task Introspection_PublicClient_Refused()
    {
        using var http = Api.ClientFrom("198.51.100.21");
        var token = await Api.TokenAsync("viewer");

        var response = await http.PostAsync("/connect/introspect", Form(("token", token), ("client_id", "respond-cli")));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"active\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RefreshToken_PresentedTwice_RefusedAndItsSuccessorRevokedToo()
    {
        using var http = Api.ClientFrom("198.51.100.22");
        async Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
            await http.PostAsync("/connect/token", Form(("grant_type", "refresh_token"), ("client_id", "respond-cli"), ("refresh_token", refreshToken)));
        var signIn = (await (await http.PostAsync("/connect/token", Form(("grant_type", "password"), ("client_id", "respond-cli"),
            ("username", "alice"), ("password", "alice-password"), ("scope", "offline_access")))).Content.ReadFromJsonAsync<JsonObject>())!;
        var first = signIn.Str("refresh_token");

        var rotated = await RefreshAsync(first);
        var second = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!.Str("refresh_token");
        var replayed = await RefreshAsync(first);
        var successor = await RefreshAsync(second);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, successor.StatusCode);
    }

    [Theory]
    [InlineData("/graphql?query=%7Bviewer%7Bid%7D%7D&access_token=")]
    [InlineData("/api/events?access_token=")]
    [InlineData("/?access_token=")]
    public async Task AccessTokenInQueryString_RefusedEvenWhenValid(string path)
    {
        using var http = Api.CreateClient();

        var response = await http.GetAsync(path + Uri.EscapeDataString(await Api.TokenAsync("viewer")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Authorization header", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authorize_DesignerRedirectMatchingAForgedHostHeader_Refused()
    {
        const string verifier = "a-verifier-for-the-forged-host-test-0123456789";
        using var browser = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await AuthorizationCodeFlowTests.LoginAsync(browser, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });
        using var request = new HttpRequestMessage(HttpMethod.Get, QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "respond-designer", ["response_type"] = "code", ["redirect_uri"] = "http://evil.example/auth/callback",
            ["code_challenge"] = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), ["code_challenge_method"] = "S256", ["state"] = "s1",
        }));
        request.Headers.Host = "evil.example";

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
