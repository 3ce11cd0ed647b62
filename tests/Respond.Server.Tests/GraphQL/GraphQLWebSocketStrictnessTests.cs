using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Respond.Server.Tests.GraphQL;

/// <summary>Respond on Kestrel (real sockets: the in-memory test server never aborts one) with a fake clock.</summary>
public sealed class KestrelHostFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    public RespondApiFixture Api { get; }
    public Uri GraphQL { get; private set; } = null!;

    public KestrelHostFixture() => Api = new RespondApiFixture().WithServices(s => s.AddSingleton<TimeProvider>(Time));

    public Task InitializeAsync()
    {
        Api.UseKestrel(0);
        Api.StartServer();
        var address = Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        GraphQL = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/graphql");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

public sealed class GraphQLWebSocketStrictnessTests(KestrelHostFixture host) : IClassFixture<KestrelHostFixture>
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(3); // RespondApiFixture's Respond:GraphQL:ConnectionInitTimeout

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(host.GraphQL, CancellationToken.None);
        return socket;
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message, or null for a close frame. The token only guards against a hung test; nothing waits on it.</summary>
    private static async Task<JsonNode?> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await socket.ReceiveAsync(buffer, guard.Token);
        return result.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    /// <summary>A ping answered proves the server's connection (and its init timer) exists before the clock moves.</summary>
    private static async Task PingPongAsync(WebSocket socket)
    {
        await SendAsync(socket, new { type = "ping" });
        Assert.Equal("pong", (await ReceiveAsync(socket))!.Str("type"));
    }

    [Fact]
    public async Task Upgrade_WithoutTheSubprotocol_Refused400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.GraphQL, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task NoConnectionInit_WhenTheTimeoutPasses_Closes4408WithACloseFrame()
    {
        using var socket = await ConnectAsync();
        await PingPongAsync(socket);

        host.Time.Advance(InitTimeout);
        var message = await ReceiveAsync(socket);

        Assert.Null(message);
        Assert.Equal(WebSocketState.CloseReceived, socket.State);
        Assert.Equal(4408, (int)socket.CloseStatus!);
        Assert.Equal("Connection initialisation timeout", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task ConnectionInit_BeforeTheTimeout_KeepsTheConnectionOpenAfterIt()
    {
        using var socket = await ConnectAsync();
        await PingPongAsync(socket);
        host.Time.Advance(InitTimeout - TimeSpan.FromSeconds(1));

        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + await host.Api.TokenAsync("viewer") } });
        Assert.Equal("connection_ack", (await ReceiveAsync(socket))!.Str("type"));
        host.Time.Advance(TimeSpan.FromSeconds(10));

        await PingPongAsync(socket);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task ForbiddenInit_OnARealSocket_Closes4403WithACloseFrame()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer not-a-token" } });

        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4403, (int)socket.CloseStatus!);
    }
}
