namespace Respond.Server.Tests.Connectors;

public sealed class SimulatedConnectorTests
{
    private const string Connect = """
        mutation($org: ID!) { connectOrganization(input: { organizationId: $org, connector: SIMULATED }) {
          organization { connectionStatus connectionSimulated connections { connector simulated } } errors { code message path } } }
        """;

    private const string Test = """
        mutation($org: ID!) { testConnection(input: { organizationId: $org }) {
          organization { connectionStatus connectionSimulated connections { status simulated lastError } } errors { code } } }
        """;

    [Fact]
    public async Task ConnectOrganization_SimulatedOutsideDemoAndDevelopment_RefusedWithCodeAndAudited()
    {
        await using var api = new RespondApiFixture().With("Respond:Connectors:AllowSimulated", "false");

        var result = await api.GraphQLAsync("admin-a", Connect, new { org = "org-a" });
        var organizations = await api.GraphQLAsync("admin-a", "{ organizations { edges { node { id connections { connector } } } } }");
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"organization.connectRefused\" }) { edges { node { actorId subjectId after } } } }");

        var error = Assert.Single(result.Errors("connectOrganization"))!;
        Assert.Equal("SIMULATED_CONNECTOR_DISABLED", error.Str("code"));
        Assert.Contains("Respond:Connectors:AllowSimulated", error.Str("message"));
        Assert.Equal("[\"input\",\"connector\"]", error["path"]!.ToJsonString());
        Assert.Empty(organizations.At("data.organizations.edges.0.node.connections").AsArray());
        var entry = Assert.Single(audit.At("data.auditTrail.edges").AsArray())!;
        Assert.Equal("admin-a", entry.Str("node.actorId"));
        Assert.Equal("org-a", entry.Str("node.subjectId"));
    }

    [Fact]
    public async Task ConnectOrganization_SimulatedAllowedByConfiguration_LabelledSimulatedInTheApi()
    {
        await using var api = new RespondApiFixture().With("Respond:Connectors:AllowSimulated", "true");

        var connected = await api.GraphQLAsync("admin", Connect, new { org = "org-a" });
        var tested = await api.GraphQLAsync("admin", Test, new { org = "org-a" });

        Assert.Empty(connected.Errors("connectOrganization"));
        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.True(tested.At("data.testConnection.organization.connectionSimulated").GetValue<bool>());
        Assert.True(tested.At("data.testConnection.organization.connections.0.simulated").GetValue<bool>());
    }

    [Fact]
    public async Task ConnectOrganization_SimulatedInDemoMode_Allowed()
    {
        await using var api = new RespondApiFixture().With("Respond:Connectors:AllowSimulated", "false").With("Respond:Demo:Enabled", "true")
            .With("Respond:Demo:Interval", "1.00:00:00");

        var connected = await api.GraphQLAsync("admin", Connect, new { org = "org-a" });

        Assert.Empty(connected.Errors("connectOrganization"));
        Assert.True(connected.At("data.connectOrganization.organization.connections.0.simulated").GetValue<bool>());
    }

    [Fact]
    public async Task SimulatedConnectionLeftFromBefore_WhenNoLongerAllowed_ChecksBrokenSayingWhy()
    {
        var before = new RespondApiFixture().With("Respond:Connectors:AllowSimulated", "true");
        await before.GraphQLAsync("admin", Connect, new { org = "org-a" });
        Assert.Equal("HEALTHY", (await before.GraphQLAsync("admin", Test, new { org = "org-a" })).Str("data.testConnection.organization.connectionStatus"));
        await before.DisposeHostOnlyAsync();
        await using var api = RespondApiFixture.On(before).With("Respond:Connectors:AllowSimulated", "false");

        var tested = await api.GraphQLAsync("admin", Test, new { org = "org-a" });

        Assert.Equal("BROKEN", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.Contains("Respond:Connectors:AllowSimulated", tested.Str("data.testConnection.organization.connections.0.lastError"));
    }
}
