namespace Respond.Server.Tests.Connectors.Graph;

/// <summary>MICROSOFT_GRAPH through the real API: connectOrganization stores the settings, testConnection reaches the fake.</summary>
public sealed class GraphConnectionApiTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private const string Connect = "mutation($o: ID!, $s: JSON) { connectOrganization(input: { organizationId: $o, connector: MICROSOFT_GRAPH, settings: $s }) { organization { connections { settings secretNames } } errors { code message } } }";
    private const string Test = "mutation($o: ID!) { testConnection(input: { organizationId: $o }) { organization { connectionStatus connections { status lastError } } errors { code } } }";

    private async Task CreateAsync(string id) =>
        Assert.Empty((await api.GraphQLAsync("admin", "mutation($i: String!) { createOrganization(input: { id: $i, name: $i }) { errors { code } } }", new { i = id }))
            .Errors("createOrganization"));

    [Fact]
    public async Task ConnectThenTest_FakeEntra_HealthyAndSecretNeverReturned()
    {
        await using var graph = await FakeGraph.StartAsync();
        await CreateAsync("org-graph");

        var connected = await api.GraphQLAsync("admin", Connect, new
        {
            o = "org-graph",
            s = new { tenantId = FakeGraph.TenantId, clientId = FakeGraph.ClientId, clientSecret = FakeGraph.ClientSecret, loginBaseUrl = graph.Url, graphBaseUrl = graph.Url },
        });
        var tested = await api.GraphQLAsync("admin", Test, new { o = "org-graph" });

        Assert.Empty(connected.Errors("connectOrganization"));
        Assert.DoesNotContain(FakeGraph.ClientSecret, connected.ToJsonString());
        Assert.Equal("[\"clientSecret\"]", connected.At("data.connectOrganization.organization.connections.0.secretNames").ToJsonString());
        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.Single(graph.TokenRequests);
        Assert.Equal("Bearer token-1", Assert.Single(graph.GraphRequests).Header("Authorization"));
    }

    [Fact]
    public async Task ConnectThenTest_SecretRefused_NeedsAttentionWithReason()
    {
        await using var graph = await FakeGraph.StartAsync();
        graph.TokenRefusal = new FakeResponse(401, new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." });
        await CreateAsync("org-graph-401");

        await api.GraphQLAsync("admin", Connect, new
        {
            o = "org-graph-401",
            s = new { tenantId = FakeGraph.TenantId, clientId = FakeGraph.ClientId, clientSecret = "wrong", loginBaseUrl = graph.Url, graphBaseUrl = graph.Url },
        });
        var tested = await api.GraphQLAsync("admin", Test, new { o = "org-graph-401" });

        Assert.Equal("NEEDS_ATTENTION", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.Contains("AADSTS7000215", tested.Str("data.testConnection.organization.connections.0.lastError"));
    }

    [Fact]
    public async Task Connect_WithoutTenantId_RefusedNamingIt()
    {
        await CreateAsync("org-graph-bad");

        var response = await api.GraphQLAsync("admin", Connect, new { o = "org-graph-bad", s = new { clientId = "x" } });

        Assert.Contains("tenantId", response.Errors("connectOrganization").Single()!.Str("message"));
    }
}
