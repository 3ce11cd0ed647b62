using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// <c>GET /api/agents/connect</c>: the WebSocket an agent holds open, authenticated before the upgrade by
/// <c>Authorization: Basic base64(agentId:agentSecret)</c>. The server sends commands; the agent sends acks, results
/// and heartbeats. Every message refreshes lastSeenAt (written at most every few seconds). With several nodes the agent's
/// row names the node holding its channel while it is open, so the others relay commands to it (<see cref="AgentCommandRelay"/>).
/// </summary>
internal sealed class AgentChannel(
    AgentRegistry registry, Features.Engine.PartitionOwnership node, IServiceScopeFactory scopes, IOptions<AgentsOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<AgentChannel> logger)
{
    private static readonly TimeSpan SeenWriteInterval = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem("Open this endpoint as a WebSocket.", statusCode: 400, title: "WebSocket expected").ExecuteAsync(http);
            return;
        }
        var agent = await AuthenticateAsync(http.Request.Headers.Authorization.ToString(), http.RequestAborted);
        if (agent is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"respond-agent\"";
            await TypedResults.Problem("Send Authorization: Basic base64(agentId:agentSecret) of an enrolled agent.",
                statusCode: 401, title: "Agent credential refused").ExecuteAsync(http);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new AgentConnection(agent.Value.Id, agent.Value.OrganizationId, agent.Value.DeviceId, socket, time.GetUtcNow());
        registry.Add(connection)?.Abort();
        AgentsLog.Connected(logger, connection.AgentId, connection.DeviceId, connection.OrganizationId);
        var reason = "closed by the agent";
        // Channels never end by themselves: without the stopping token, a graceful shutdown would wait its full timeout.
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            reason = await ReceiveLoopAsync(socket, connection, aborted.Token);
        }
        catch (WebSocketException)
        {
            reason = "connection lost";
        }
        catch (OperationCanceledException)
        {
            reason = "server stopping or request aborted";
        }
        finally
        {
            registry.Remove(connection);
            connection.MarkClosed();
            try
            {
                await MarkSeenAsync(connection.AgentId, CancellationToken.None, disconnected: registry.Find(connection.OrganizationId, connection.DeviceId) is null);
            }
            catch (ObjectDisposedException)
            {
                // The host is stopping: the last heartbeat's time stays.
            }
            AgentsLog.Disconnected(logger, connection.AgentId, connection.DeviceId, reason);
        }
    }

    private async Task<(string Id, string OrganizationId, string DeviceId)?> AuthenticateAsync(string header, CancellationToken ct)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !"Basic".Equals(value.Scheme, StringComparison.OrdinalIgnoreCase)
            || value.Parameter is null) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon > 64) return null;
        var (agentId, secret) = (decoded[..colon], decoded[(colon + 1)..]);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var agent = await db.Set<Agent>().SingleOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null || !agent.Accepts(secret))
        {
            AgentsLog.ChannelRefused(logger, agentId);
            return null;
        }
        agent.Seen(time.GetUtcNow());
        if (node.Clustered) agent.ConnectedTo(node.NodeId);
        await db.SaveChangesAsync(ct);
        return (agent.Id, agent.OrganizationId, agent.DeviceId);
    }

    private async Task<string> ReceiveLoopAsync(WebSocket socket, AgentConnection connection, CancellationToken aborted)
    {
        var buffer = new byte[AgentProtocol.MaxMessageBytes];
        var lastSeenWrite = time.GetUtcNow();
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            idle.CancelAfter(options.Value.IdleTimeout);
            var length = 0;
            ValueWebSocketReceiveResult result;
            try
            {
                do
                {
                    if (length == buffer.Length)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Message too big", CancellationToken.None);
                        return "message too big";
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), idle.Token);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                // An abort is the only way out of a receive cancelled by a token; the agent reconnects.
                socket.Abort();
                return $"no message for {options.Value.IdleTimeout.TotalSeconds:0} s";
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return "closed by the agent";
            }

            var now = time.GetUtcNow();
            if (now - lastSeenWrite >= SeenWriteInterval)
            {
                lastSeenWrite = now;
                await MarkSeenAsync(connection.AgentId, aborted);
            }
            switch (AgentProtocol.Parse(buffer.AsSpan(0, length)))
            {
                case AgentMessage.Ack ack:
                    connection.Acknowledge(ack.CommandId);
                    break;
                case AgentMessage.Result r when !connection.Complete(r.CommandId, r.Reply):
                    AgentsLog.LateResult(logger, r.CommandId, connection.AgentId);
                    break;
            }
        }
    }

    /// <summary><paramref name="disconnected"/>: the channel closed and no newer one of the device is open on this node.</summary>
    private async Task MarkSeenAsync(string agentId, CancellationToken ct, bool disconnected = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var agent = await db.Set<Agent>().SingleOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null) return;
        agent.Seen(time.GetUtcNow());
        if (disconnected) agent.DisconnectedFrom(node.NodeId);
        await db.SaveChangesAsync(ct);
    }
}
