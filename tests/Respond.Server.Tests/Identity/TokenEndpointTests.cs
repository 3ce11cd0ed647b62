using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Identity;

public sealed class TokenEndpointTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    [Fact]
    public async Task Discovery_PublishesTokenEndpointAndClientCredentials()
    {
        using var http = api.CreateClient();

        var discovery = await http.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");

        Assert.NotNull(discovery);
        Assert.EndsWith("/connect/token", discovery.Str("token_endpoint"));
        Assert.Contains("client_credentials", discovery.At("grant_types_supported").ToJsonString());
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_Refused()
    {
        using var http = api.CreateClient();

        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "admin", ["client_secret"] = "not-the-secret-at-all",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PasswordGrant_BootstrapUser_TokenCarriesRolesAndOrganizations()
    {
        using var http = api.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = "alice", ["password"] = "alice-password",
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token");

        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var viewer = JsonNode.Parse(await (await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { name roles allOrganizations } }" })).Content.ReadAsStringAsync())!;

        Assert.Equal("alice", viewer.Str("data.viewer.name"));
        Assert.Equal("Admin", viewer.Str("data.viewer.roles.0"));
        Assert.True(viewer.At("data.viewer.allOrganizations").GetValue<bool>());
    }

    [Fact]
    public async Task PasswordGrant_WrongPassword_Refused()
    {
        using var http = api.CreateClient();

        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = "alice", ["password"] = "guess",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("error"));
    }

    [Fact]
    public async Task GraphQL_ForgedToken_Returns401()
    {
        using var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.");

        var response = await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { id } }" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class SigningKeyPersistenceTests
{
    [Fact]
    public async Task Token_IssuedBeforeRestart_StillAcceptedAfterRestart()
    {
        var first = new RespondApiFixture();
        var token = await first.TokenAsync("viewer");
        var root = first.ContentRoot;
        await first.DisposeHostOnlyAsync();

        await using var second = new RestartedFixture(root);
        using var http = second.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var response = await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { id } }" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("viewer", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("data.viewer.id"));
    }

    /// <summary>A second host on the first one's content root and database file.</summary>
    private sealed class RestartedFixture(string root) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ContentRootKey, root);
            builder.UseSetting("ConnectionStrings:Respond", $"Data Source={Path.Combine(root, "respond.db")}");
        }
    }
}
