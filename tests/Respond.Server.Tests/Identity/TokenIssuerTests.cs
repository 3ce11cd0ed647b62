using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Identity;

/// <summary>Behind a reverse proxy or under a second host name: the issuer comes from Respond:PublicOrigin, never from a request's Host.</summary>
public sealed class TokenIssuerTests
{
    private static async Task<string> TokenUnderAsync(RespondApiFixture api, string host)
    {
        using var http = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "viewer", ["client_secret"] = RespondApiFixture.Secret,
            }),
        };
        request.Headers.Host = host;
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> AskUnderAsync(RespondApiFixture api, string host, string token)
    {
        using var http = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query = "{ viewer { name } }" }) };
        request.Headers.Host = host;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Token_IssuedUnderOneHostName_ValidUnderAnotherWhenThePublicOriginIsConfigured()
    {
        await using var api = new RespondApiFixture().With("Respond:PublicOrigin", "https://respond.example.com");

        var token = await TokenUnderAsync(api, "respond-internal:8080");
        var status = await AskUnderAsync(api, "respond.example.com", token);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Token_IssuedUnderOneHostName_RefusedUnderAnotherWithoutAPublicOrigin()
    {
        await using var api = new RespondApiFixture().With("Respond:PublicOrigin", "");

        var token = await TokenUnderAsync(api, "respond-internal:8080");
        var status = await AskUnderAsync(api, "respond.example.com", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
