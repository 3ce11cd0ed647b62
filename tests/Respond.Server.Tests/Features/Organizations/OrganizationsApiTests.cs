using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Respond.Server.Tests.Features.Organizations;

public sealed class OrganizationsApiTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    [Fact]
    public async Task Organizations_ClientOfOrgB_SeesOnlyOrgB()
    {
        var response = await api.GraphQLAsync("viewer-b", "{ organizations { totalCount edges { node { id } } } }");

        Assert.Equal(1, response.At("data.organizations.totalCount").GetValue<int>());
        Assert.Equal("org-b", response.Str("data.organizations.edges.0.node.id"));
    }

    [Fact]
    public async Task ConnectOrganization_OtherTenantsOrganization_NotFound()
    {
        var response = await api.GraphQLAsync("admin-b", "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: SIMULATED }) { errors { code } } }");

        Assert.Equal("NOT_FOUND", response.Errors("connectOrganization").Single()!.Str("code"));
    }

    [Fact]
    public async Task CreateOrganization_AsTenantAdmin_Refused()
    {
        var response = await api.GraphQLAsync("admin-a", "mutation { createOrganization(input: { name: \"Sneaky\" }) { organization { id } errors { code } } }");

        Assert.Equal("FORBIDDEN", response.Errors("createOrganization").Single()!.Str("code"));
    }

    [Fact]
    public async Task ConnectThenTest_Simulated_BecomesHealthy()
    {
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-sim\", name: \"Sim\" }) { errors { code } } }");
        var connected = await api.GraphQLAsync("admin", "mutation { connectOrganization(input: { organizationId: \"org-sim\", connector: SIMULATED }) { organization { connectionStatus } errors { code } } }");

        var tested = await api.GraphQLAsync("admin", "mutation { testConnection(input: { organizationId: \"org-sim\" }) { organization { connectionStatus connections { status lastCheckedAt lastError } } errors { code } } }");

        Assert.Equal("NOT_CONNECTED", connected.Str("data.connectOrganization.organization.connectionStatus"));
        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.NotNull(tested.At("data.testConnection.organization.connections.0")["lastCheckedAt"]);
    }

    [Fact]
    public async Task ConnectOrganization_WithSecret_SecretNeverReturnedAndUsedByCheck()
    {
        using var agent = new RecordingHttpServer(HttpStatusCode.OK);
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-agent\", name: \"Agent\" }) { errors { code } } }");

        var connected = await api.GraphQLAsync("admin", "mutation($s: JSON) { connectOrganization(input: { organizationId: \"org-agent\", connector: WEBHOOK, settings: $s }) { organization { connections { settings secretNames } } errors { code } } }",
            new { s = new { url = agent.Url, signingSecret = "super-secret-key-123" } });
        var tested = await api.GraphQLAsync("admin", "mutation { testConnection(input: { organizationId: \"org-agent\" }) { organization { connectionStatus } errors { code } } }");

        Assert.DoesNotContain("super-secret-key-123", connected.ToJsonString());
        Assert.Equal("[\"signingSecret\"]", connected.At("data.connectOrganization.organization.connections.0.secretNames").ToJsonString());
        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
        // The check really reached the service (its signature with the secret is proven by the webhook connector's tests).
        Assert.Single(agent.Requests);
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { subjectId: \"org-agent\" }) { edges { node { after } } } }");
        Assert.DoesNotContain("super-secret-key-123", audit.ToJsonString());
    }

    [Fact]
    public async Task TestConnection_CredentialsRefused_NeedsAttentionWithError()
    {
        using var agent = new RecordingHttpServer(HttpStatusCode.Unauthorized);
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-401\", name: \"Refused\" }) { errors { code } } }");
        await api.GraphQLAsync("admin", "mutation($s: JSON) { connectOrganization(input: { organizationId: \"org-401\", connector: WEBHOOK, settings: $s }) { errors { code } } }",
            new { s = new { url = agent.Url, signingSecret = "wrong" } });

        var tested = await api.GraphQLAsync("admin", "mutation { testConnection(input: { organizationId: \"org-401\" }) { organization { connectionStatus connections { lastError } } } }");

        Assert.Equal("NEEDS_ATTENTION", tested.Str("data.testConnection.organization.connectionStatus"));
        Assert.Contains("401", tested.Str("data.testConnection.organization.connections.0.lastError"));
    }

    [Fact]
    public async Task TestConnection_Unreachable_Broken()
    {
        var port = RecordingHttpServer.FreePort();
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-down\", name: \"Down\" }) { errors { code } } }");
        await api.GraphQLAsync("admin", "mutation($s: JSON) { connectOrganization(input: { organizationId: \"org-down\", connector: WEBHOOK, settings: $s }) { errors { code } } }",
            new { s = new { url = $"http://127.0.0.1:{port}/hook", signingSecret = "s" } });

        var tested = await api.GraphQLAsync("admin", "mutation { testConnection(input: { organizationId: \"org-down\" }) { organization { connectionStatus } } }");

        Assert.Equal("BROKEN", tested.Str("data.testConnection.organization.connectionStatus"));
    }

    [Fact]
    public async Task ConnectOrganization_MissingRequiredSetting_RefusedNamingIt()
    {
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-bad\", name: \"Bad\" }) { errors { code } } }");

        var response = await api.GraphQLAsync("admin", "mutation { connectOrganization(input: { organizationId: \"org-bad\", connector: MICROSOFT_GRAPH, settings: {} }) { errors { code message } } }");

        Assert.Contains("tenantId", response.Errors("connectOrganization").Single()!.Str("message"));
    }
}

/// <summary>A local HTTP server that answers every request with one status and records what it received.</summary>
public sealed class RecordingHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    public List<(string Path, string? Authorization)> Requests { get; } = [];
    public string Url { get; }

    public RecordingHttpServer(HttpStatusCode status)
    {
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                lock (Requests) Requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
                context.Response.StatusCode = (int)status;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("{}"));
                context.Response.Close();
            }
        });
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
