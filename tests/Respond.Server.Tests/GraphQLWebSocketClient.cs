using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests;

/// <summary>A minimal graphql-transport-ws client over the test server, for subscription tests.</summary>
public sealed class GraphQLWebSocketClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly Queue<JsonNode> _early = new();

    private GraphQLWebSocketClient(WebSocket socket) => _socket = socket;

    public static async Task<GraphQLWebSocketClient> ConnectAsync(RespondApiFixture api, string client) =>
        // The token first: the server closes a socket that has not sent connection_init within its timeout.
        await ConnectWithTokenAsync(api, await api.TokenAsync(client));

    /// <summary>With an access token obtained elsewhere (a user's password or code flow).</summary>
    public static async Task<GraphQLWebSocketClient> ConnectWithTokenAsync(RespondApiFixture api, string token)
    {
        var ws = api.Server.CreateWebSocketClient();
        ws.SubProtocols.Add("graphql-transport-ws");
        var socket = await ws.ConnectAsync(new Uri(api.Server.BaseAddress, "graphql"), CancellationToken.None);
        return await InitAsync(new GraphQLWebSocketClient(socket), token);
    }

    /// <summary>Over a real socket: a host started with Kestrel, at <paramref name="baseAddress"/> (http://host:port).</summary>
    public static async Task<GraphQLWebSocketClient> ConnectAsync(string baseAddress, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new Uri(new Uri(baseAddress.Replace("http", "ws", StringComparison.Ordinal)), "graphql"), CancellationToken.None);
        return await InitAsync(new GraphQLWebSocketClient(socket), token);
    }

    private static async Task<GraphQLWebSocketClient> InitAsync(GraphQLWebSocketClient connection, string token)
    {
        await connection.SendAsync(new { type = "connection_init", payload = new { authorization = "Bearer " + token } });
        Assert.Equal("connection_ack", (await connection.ReceiveAsync(TimeSpan.FromSeconds(10)))!.Str("type"));
        return connection;
    }

    /// <summary>
    /// Subscribes and returns once the server has registered the subscription: the server handles a socket's messages
    /// in order and answers a ping only after the subscribe before it is set up, so the pong is the registration's receipt.
    /// </summary>
    public async Task SubscribeAsync(string id, string query)
    {
        await SendAsync(new { id, type = "subscribe", payload = new { query } });
        await SendAsync(new { type = "ping" });
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var message = await ReadAsync(until - DateTime.UtcNow) ?? throw new Xunit.Sdk.XunitException($"No pong after subscribing {id}.");
            if (message["type"]?.GetValue<string>() == "pong") return;
            _early.Enqueue(message); // an error for this subscription, or a message of another one: read later
        }
    }

    /// <summary>The next `next` payload's data for subscription <paramref name="id"/>; fails after the timeout.</summary>
    public async Task<JsonNode> NextAsync(string id, int seconds = 20) =>
        await TryNextAsync(id, TimeSpan.FromSeconds(seconds)) ?? throw new Xunit.Sdk.XunitException($"No message for subscription {id} within {seconds} s.");

    /// <summary>The next `next` payload's data for subscription <paramref name="id"/>, or null when none came in time.</summary>
    public async Task<JsonNode?> TryNextAsync(string id, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var message = await ReceiveAsync(until - DateTime.UtcNow);
            if (message is null) break;
            if (message["type"]?.GetValue<string>() == "next" && message["id"]?.GetValue<string>() == id) return message.At("payload.data");
        }
        return null;
    }

    private Task SendAsync(object message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None);

    private Task<JsonNode?> ReceiveAsync(TimeSpan timeout) => _early.TryDequeue(out var early) ? Task.FromResult<JsonNode?>(early) : ReadAsync(timeout);

    private async Task<JsonNode?> ReadAsync(TimeSpan timeout)
    {
        var buffer = new byte[256 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            return result.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends a ping and returns the type of the next message ("pong" while the connection is open).</summary>
    public async Task<string?> PingAsync()
    {
        await SendAsync(new { type = "ping" });
        return (await ReceiveAsync(TimeSpan.FromSeconds(20)))?["type"]?.GetValue<string>();
    }

    /// <summary>Reads until the server's close frame and returns its code and reason; the guard only ends a hung test.</summary>
    public async Task<(int? Code, string? Reason)> ClosedAsync()
    {
        var buffer = new byte[256 * 1024];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, guard.Token);
            if (result.MessageType == WebSocketMessageType.Close) return ((int?)_socket.CloseStatus, _socket.CloseStatusDescription);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
