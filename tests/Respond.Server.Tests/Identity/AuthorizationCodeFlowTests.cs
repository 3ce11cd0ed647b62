using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Respond.Server.Tests.Identity;

public sealed class AuthorizationCodeFlowTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-designer-test";
    private const string Callback = "http://localhost/auth/callback";

    private static string Challenge() => Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    private static string AuthorizeUrl(string redirect = Callback) => QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
    {
        ["client_id"] = "respond-designer", ["response_type"] = "code", ["redirect_uri"] = redirect, ["scope"] = "offline_access",
        ["code_challenge"] = Challenge(), ["code_challenge_method"] = "S256", ["state"] = "s1",
    });

    /// <summary>Like a browser: load the login page (its antiforgery cookie and token), then post the form with the token.</summary>
    internal static async Task<HttpResponseMessage> LoginAsync(HttpClient http, Dictionary<string, string> fields)
    {
        var page = await http.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        fields["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token);
        return await http.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    private HttpClient Browser() => api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Authorize_NotSignedIn_RedirectsToTheLoginPage()
    {
        using var http = Browser();

        var response = await http.GetAsync(AuthorizeUrl());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?returnUrl=%2Fconnect%2Fauthorize", response.Headers.Location!.OriginalString);
        var page = await http.GetStringAsync(response.Headers.Location);
        Assert.Contains("<label for=\"password\">Password</label>", page);
    }

    [Fact]
    public async Task LoginThenAuthorize_WithPkce_IssuesCodeThatExchangesForRefreshableToken()
    {
        using var http = Browser();
        var login = await LoginAsync(http, new Dictionary<string, string>
        {
            ["username"] = "alice", ["password"] = "alice-password", ["returnUrl"] = AuthorizeUrl(),
        });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var authorize = await http.GetAsync(login.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var callback = authorize.Headers.Location!;
        Assert.StartsWith(Callback, callback.ToString());
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("s1", query["state"].ToString());

        var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "respond-designer", ["code"] = query["code"].ToString(),
            ["redirect_uri"] = Callback, ["code_verifier"] = Verifier,
        }));
        token.EnsureSuccessStatusCode();
        var body = (await token.Content.ReadFromJsonAsync<JsonObject>())!;
        var refreshed = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "respond-designer", ["refresh_token"] = body.Str("refresh_token"),
        }));
        refreshed.EnsureSuccessStatusCode();

        http.DefaultRequestHeaders.Authorization = new("Bearer", (await refreshed.Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token"));
        var viewer = JsonNode.Parse(await (await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { name roles } }" })).Content.ReadAsStringAsync())!;
        Assert.Equal("alice", viewer.Str("data.viewer.name"));
    }

    [Fact]
    public async Task CodeExchange_WrongVerifier_Refused()
    {
        using var http = Browser();
        await LoginAsync(http, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });
        var callback = (await http.GetAsync(AuthorizeUrl())).Headers.Location!;
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "respond-designer", ["code"] = code, ["redirect_uri"] = Callback, ["code_verifier"] = "not-the-verifier-0123456789012345678901234",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
    }

    [Fact]
    public async Task Authorize_RedirectToAnotherOrigin_Refused()
    {
        using var http = Browser();
        await LoginAsync(http, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });

        var response = await http.GetAsync(AuthorizeUrl("https://evil.example/auth/callback"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsTheFormAgainWithAnError()
    {
        using var http = Browser();

        var response = await LoginAsync(http, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "guess-guess" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("The user name or password is not correct.", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Login_ReturnUrlToAnotherSite_RedirectsHomeInstead()
    {
        using var http = Browser();

        var response = await LoginAsync(http, new Dictionary<string, string>
        {
            ["username"] = "alice", ["password"] = "alice-password", ["returnUrl"] = "//evil.example/",
        });

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_PostedWithoutTheFormsToken_RefusedAndNobodySignedIn()
    {
        using var http = Browser();

        var response = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice", ["password"] = "alice-password", ["returnUrl"] = AuthorizeUrl(),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did not come from Respond", await response.Content.ReadAsStringAsync());
        var authorize = await http.GetAsync(AuthorizeUrl());
        Assert.StartsWith("/login", authorize.Headers.Location!.OriginalString);
    }
}
