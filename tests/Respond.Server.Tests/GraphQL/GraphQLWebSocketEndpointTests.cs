using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;

namespace Respond.Server.Tests.GraphQL;

public sealed class GraphQLWebSocketEndpointTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private async Task<WebSocket> ConnectAsync(string? authorizationHeader = null)
    {
        var client = api.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        if (authorizationHeader is not null) client.ConfigureRequest = r => r.Headers.Authorization = authorizationHeader;
        return await client.ConnectAsync(new Uri(api.Server.BaseAddress, "graphql"), CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonNode?> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return result.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    private async Task<WebSocket> InitAsync(string client)
    {
        var token = await api.TokenAsync(client);
        var socket = await ConnectAsync();
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + token } });
        Assert.Equal("connection_ack", (await ReceiveAsync(socket))!.Str("type"));
        return socket;
    }

    [Fact]
    public async Task ConnectionInit_TokenInPayload_Acknowledged()
    {
        using var socket = await InitAsync("viewer");

        await SendAsync(socket, new { type = "ping" });

        Assert.Equal("pong", (await ReceiveAsync(socket))!.Str("type"));
    }

    [Fact]
    public async Task ConnectionInit_TokenInUpgradeHeader_Acknowledged()
    {
        using var socket = await ConnectAsync("Bearer " + await api.TokenAsync("viewer"));

        await SendAsync(socket, new { type = "connection_init" });

        Assert.Equal("connection_ack", (await ReceiveAsync(socket))!.Str("type"));
    }

    [Fact]
    public async Task ConnectionInit_InvalidToken_Closes4403()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer not-a-token" } });

        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4403, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task Subscribe_BeforeInit_Closes4401()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, new { id = "1", type = "subscribe", payload = new { query = "subscription { auditRecorded { id } }" } });

        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4401, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task NoInit_WithinTimeout_Closes4408()
    {
        using var socket = await ConnectAsync();

        Assert.Null(await ReceiveAsync(socket));

        Assert.Equal(4408, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task SecondInit_Closes4429()
    {
        var token = await api.TokenAsync("viewer");
        using var socket = await InitAsync("viewer");

        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + token } });

        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4429, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task Subscribe_DuplicateId_Closes4409()
    {
        using var socket = await InitAsync("viewer");
        await SendAsync(socket, new { id = "dup", type = "subscribe", payload = new { query = "subscription { auditRecorded { id } }" } });

        await SendAsync(socket, new { id = "dup", type = "subscribe", payload = new { query = "subscription { auditRecorded { id } }" } });

        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4409, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task Subscribe_InvalidQuery_SendsErrorMessage()
    {
        using var socket = await InitAsync("viewer");

        await SendAsync(socket, new { id = "bad", type = "subscribe", payload = new { query = "subscription { noSuchField }" } });

        var message = (await ReceiveAsync(socket))!;
        Assert.Equal("error", message.Str("type"));
        Assert.Equal("bad", message.Str("id"));
        Assert.Contains("noSuchField", message.At("payload").ToJsonString());
    }

    [Fact]
    public async Task Subscribe_Query_SendsNextThenComplete()
    {
        using var socket = await InitAsync("viewer");

        await SendAsync(socket, new { id = "q", type = "subscribe", payload = new { query = "{ viewer { id } }" } });

        var next = (await ReceiveAsync(socket))!;
        Assert.Equal("next", next.Str("type"));
        Assert.Equal("viewer", next.Str("payload.data.viewer.id"));
        Assert.Equal("complete", (await ReceiveAsync(socket))!.Str("type"));
    }

    [Fact]
    public async Task AuditRecorded_OnlyDeliversEntriesOfSubscribersOrganizations()
    {
        using var subscriberB = await InitAsync("viewer-b");
        using var subscriberAll = await InitAsync("viewer");
        await SendAsync(subscriberB, new { id = "b", type = "subscribe", payload = new { query = "subscription { auditRecorded { subjectId organizationIds } }" } });
        await SendAsync(subscriberAll, new { id = "all", type = "subscribe", payload = new { query = "subscription { auditRecorded { subjectId organizationIds } }" } });
        // A socket's messages are handled in order: the pong answers only once the subscribe before it is registered.
        foreach (var subscriber in new[] { subscriberB, subscriberAll })
        {
            await SendAsync(subscriber, new { type = "ping" });
            Assert.Equal("pong", (await ReceiveAsync(subscriber))!.Str("type"));
        }

        await api.GraphQLAsync("admin", "mutation { testConnection(input: { organizationId: \"org-a\" }) { errors { code } } }");
        await api.GraphQLAsync("admin", "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: SIMULATED }) { errors { code } } }");
        await api.GraphQLAsync("admin", "mutation { connectOrganization(input: { organizationId: \"org-b\", connector: SIMULATED }) { errors { code } } }");

        var toAll = (await ReceiveAsync(subscriberAll))!;
        var toB = (await ReceiveAsync(subscriberB))!;
        Assert.Equal("org-a", toAll.Str("payload.data.auditRecorded.subjectId"));
        Assert.Equal("org-b", toB.Str("payload.data.auditRecorded.subjectId"));
    }
}
