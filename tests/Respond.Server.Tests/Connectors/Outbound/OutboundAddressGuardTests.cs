using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Connectors.Webhook;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Tests.Connectors.Outbound;

/// <summary>The guard as the server installs it: the ConnectCallback of the connectors' HttpClient, against a real local server.</summary>
public sealed class OutboundAddressGuardTests : IAsyncLifetime
{
    // An allowance that admits nothing these tests use, so they meet the production policy.
    private const string Unrelated = "198.51.100.7/32";
    private FakeHttpServer _server = null!;
    private readonly MappedHostNameResolver _dns = new();

    public async Task InitializeAsync() => _server = await FakeHttpServer.StartAsync(_ => new FakeResponse(200, new { ok = true }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private int Port => new Uri(_server.Url).Port;

    private HttpClient Client(params string[] allowed) =>
        ConnectorHttp.Services(_dns, allowed).GetRequiredService<IHttpClientFactory>().CreateClient(OutboundFeature.ClientName);

    [Fact]
    public async Task Send_NameResolvingToLoopback_RefusedWithoutReachingIt()
    {
        _dns.Map("rmm.test", "127.0.0.1");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Client(Unrelated).GetAsync($"http://rmm.test:{Port}/hook"));

        Assert.Contains("loopback", OutboundAddressRefusedException.In(error)!.Reason);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_LoopbackAllowedByConfiguration_Connects()
    {
        _dns.Map("rmm.test", "127.0.0.1");

        using var response = await Client("127.0.0.1/32").GetAsync($"http://rmm.test:{Port}/hook");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_NameResolvingToPublicAndLoopback_Refused()
    {
        // A rebinding name that answers with a public and an internal address is refused as a whole.
        _dns.Map("rebind.test", "93.184.216.34", "127.0.0.1");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Client(Unrelated).GetAsync($"http://rebind.test:{Port}/"));

        Assert.NotNull(OutboundAddressRefusedException.In(error));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_RedirectToMetadataService_RefusedAtTheRedirectHop()
    {
        _dns.Map("metadata.test", "169.254.169.254");
        _server.Handler = _ => new FakeResponse(302, null, new Dictionary<string, string> { ["Location"] = "http://metadata.test/latest/meta-data/iam/" });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Client("127.0.0.1/32").GetAsync($"{_server.Url}/start"));

        Assert.Contains("link-local", OutboundAddressRefusedException.In(error)!.Reason);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://10.0.0.8/", "private")]
    [InlineData("http://[fd00::8]/", "unique-local")]
    public async Task Send_LiteralInternalAddress_RefusedBeforeConnecting(string url, string kind)
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Client(Unrelated).GetAsync(url.Replace("{port}", Port.ToString())));

        Assert.Contains(kind, OutboundAddressRefusedException.In(error)!.Reason);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task RefusalAsync_NameThatDoesNotResolve_LeftToConnectTime()
    {
        var guard = ConnectorHttp.Services(_dns, Unrelated).GetRequiredService<OutboundAddressGuard>();

        Assert.Null(await guard.RefusalAsync(new Uri("https://nowhere.test/hook"), default));
    }

    [Fact]
    public async Task WebhookExecute_UrlRebindsToLoopback_FailsForGoodNamingTheRefusal()
    {
        // Saved while the name was public; by the time an action runs it resolves to the server itself.
        _dns.Map("rmm.test", "127.0.0.1");
        var http = ConnectorHttp.Services(_dns, Unrelated).GetRequiredService<IHttpClientFactory>();
        var connector = new WebhookConnector(http, TimeProvider.System, NullLogger<WebhookConnector>.Instance);
        var settings = new ConnectorSettings("org-a", JsonSerializer.SerializeToElement(new { url = $"http://rmm.test:{Port}/hook" }),
            new Dictionary<string, string> { ["signingSecret"] = "rmm-signing-secret" });
        var isolate = new ActionCommand("act-1", "org-a", ResponseActionType.IsolateDevice, new ActionTarget("dev-1", null, null, null, null, null), [], 1);

        var outcome = await connector.ExecuteAsync(isolate, settings, default);
        var check = await connector.CheckAsync(settings, default);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("loopback", failed.Reason);
        Assert.Equal(ConnectionStatus.NeedsAttention, check.Status);
        Assert.Empty(_server.Requests);
    }
}
