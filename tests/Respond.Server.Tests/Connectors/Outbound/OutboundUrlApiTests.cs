using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Tests.Connectors.Outbound;

/// <summary>A host whose outbound policy is production's (no loopback allowance) and whose DNS the tests choose.</summary>
public sealed class OutboundUrlFixture : IAsyncLifetime
{
    public MappedHostNameResolver Dns { get; } = new MappedHostNameResolver()
        .Map("loopback.test", "127.0.0.1")
        .Map("metadata.test", "169.254.169.254")
        .Map("intranet.test", "10.20.30.40")
        .Map("ula.test", "fd00::25");

    public RespondApiFixture Api { get; }

    public OutboundUrlFixture() => Api = new RespondApiFixture().WithoutLoopbackAllowance()
        .WithServices(s => s.AddSingleton<IHostNameResolver>(Dns));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

/// <summary>A tenant admin cannot point a connection at the server's own network: not when saving it, not when testing it.</summary>
public sealed class OutboundUrlApiTests(OutboundUrlFixture fixture) : IClassFixture<OutboundUrlFixture>
{
    private const string Connect = "mutation($o: ID!, $c: ConnectorKind!, $s: JSON) { connectOrganization(input: { organizationId: $o, connector: $c, settings: $s }) { organization { connections { connector settings } } errors { code message path } } }";
    private const string Test = "mutation($o: ID!) { testConnection(input: { organizationId: $o, connector: WEBHOOK }) { organization { connections { connector status lastError } } errors { code } } }";
    private RespondApiFixture Api => fixture.Api;

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://loopback.test/hook")]
    [InlineData("https://metadata.test/latest/meta-data/")]
    [InlineData("https://intranet.test/hook")]
    [InlineData("https://ula.test/hook")]
    public async Task ConnectWebhook_UrlResolvingToInternalAddress_RefusedNamingTheField(string url)
    {
        var response = await Api.GraphQLAsync("admin-a", Connect,
            new { o = "org-a", c = "WEBHOOK", s = new { url, signingSecret = "whsec-0123456789abcdef" } });

        var error = Assert.Single(response.Errors("connectOrganization"))!;
        Assert.Equal("OUTBOUND_ADDRESS_REFUSED", error.Str("code"));
        Assert.Equal("""["input","settings","url"]""", error.At("path").ToJsonString());
        Assert.StartsWith("settings.url:", error.Str("message"));
        Assert.Null(response.At("data.connectOrganization")["organization"]);
    }

    [Theory]
    [InlineData("loginBaseUrl", "http://intranet.test")]
    [InlineData("graphBaseUrl", "http://169.254.169.254")]
    public async Task ConnectGraph_BaseUrlResolvingToInternalAddress_RefusedNamingTheField(string key, string url)
    {
        var settings = new Dictionary<string, string> { ["tenantId"] = "t", ["clientId"] = "c", ["clientSecret"] = "s", [key] = url };

        var response = await Api.GraphQLAsync("admin-a", Connect, new { o = "org-a", c = "MICROSOFT_GRAPH", s = settings });

        var error = Assert.Single(response.Errors("connectOrganization"))!;
        Assert.Equal("OUTBOUND_ADDRESS_REFUSED", error.Str("code"));
        Assert.Equal($"""["input","settings","{key}"]""", error.At("path").ToJsonString());
    }

    [Fact]
    public async Task ConnectWebhook_PublicAddress_Saved()
    {
        fixture.Dns.Map("rmm.partner.test", "93.184.216.34");

        var response = await Api.GraphQLAsync("admin-b", Connect,
            new { o = "org-b", c = "WEBHOOK", s = new { url = "https://rmm.partner.test/hook", signingSecret = "whsec-0123456789abcdef" } });

        Assert.Empty(response.Errors("connectOrganization"));
    }

    [Fact]
    public async Task TestConnection_NameRebindsToLoopbackAfterSaving_RefusedWithoutCallingIt()
    {
        await using var listener = await FakeHttpServer.StartAsync(_ => new FakeResponse(200, new { ok = true }));
        var port = new Uri(listener.Url).Port;
        fixture.Dns.Map("rebinding.test", "93.184.216.34");
        var saved = await Api.GraphQLAsync("admin-a", Connect,
            new { o = "org-a", c = "WEBHOOK", s = new { url = $"http://rebinding.test:{port}/hook", signingSecret = "whsec-0123456789abcdef" } });
        Assert.Empty(saved.Errors("connectOrganization"));
        fixture.Dns.Map("rebinding.test", "127.0.0.1");

        var tested = await Api.GraphQLAsync("admin-a", Test, new { o = "org-a" });

        var webhook = tested.At("data.testConnection.organization.connections").AsArray().Single(c => c!.Str("connector") == "WEBHOOK")!;
        Assert.Equal("NEEDS_ATTENTION", webhook.Str("status"));
        Assert.Contains("loopback", webhook.Str("lastError"));
        Assert.Empty(listener.Requests);
    }
}
