using System.Net;
using System.Net.WebSockets;

namespace Respond.Agent;

/// <summary>
/// Holds the WebSocket to the server: connects with the agent's credential, heartbeats, acknowledges each command at
/// once and sends its result when done, and reconnects with exponential backoff (1 s doubling to 60 s, with jitter)
/// whenever the connection drops. Commands keep running across a reconnect; a retried command gets their answer.
/// </summary>
public sealed class ServerChannel(AgentOptions options, Credentials credentials, CommandHandler handler)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    private const int MaxMessageBytes = 1024 * 1024;

    /// <summary>Runs until <paramref name="stopping"/>; throws <see cref="CredentialRefusedException"/> when the server refuses the credential.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            var connectedAt = DateTimeOffset.UtcNow;
            try
            {
                await ConnectAndServeAsync(stopping);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException && !stopping.IsCancellationRequested)
            {
                AgentLog.Warn($"Channel to {credentials.ServerUrl} failed: {ex.Message}");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            // A connection that held for a while was healthy: start the backoff over.
            if (DateTimeOffset.UtcNow - connectedAt > MaxBackoff) backoff = TimeSpan.FromSeconds(1);
            var delay = backoff * (0.8 + Random.Shared.NextDouble() * 0.4);
            AgentLog.Info($"Reconnecting in {delay.TotalSeconds:0.0} s.");
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task ConnectAndServeAsync(CancellationToken stopping)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", credentials.AuthorizationHeader);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        var url = new UriBuilder(new Uri(credentials.ServerUrl, "api/agents/connect"))
        {
            Scheme = credentials.ServerUrl.Scheme == "https" ? "wss" : "ws",
        }.Uri;
        try
        {
            await socket.ConnectAsync(url, stopping);
        }
        catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            throw new CredentialRefusedException($"The server refused the credential of agent {credentials.AgentId}; enrol again with a new token.");
        }
        AgentLog.Info($"Connected to {url} as agent {credentials.AgentId} (device {credentials.DeviceId}).");

        using var sending = new SemaphoreSlim(1, 1);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        async Task SendAsync(byte[] message)
        {
            await sending.WaitAsync(connection.Token);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, connection.Token);
            }
            finally
            {
                sending.Release();
            }
        }

        var heartbeat = HeartbeatAsync(SendAsync, connection.Token);
        try
        {
            await SendAsync(Protocol.Heartbeat(DateTimeOffset.UtcNow));
            var buffer = new byte[MaxMessageBytes];
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length) throw new WebSocketException("The server sent a message over 1 MiB.");
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), stopping);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    AgentLog.Info($"The server closed the channel ({socket.CloseStatus} {socket.CloseStatusDescription}).");
                    return;
                }
                if (Protocol.ParseCommand(buffer.AsSpan(0, length)) is not { } command) continue;
                await SendAsync(Protocol.Ack(command.CommandId));
                _ = RunCommandAsync(command, SendAsync, stopping);
            }
        }
        finally
        {
            await connection.CancelAsync();
            try
            {
                await heartbeat;
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        }
    }

    private async Task RunCommandAsync(Command command, Func<byte[], Task> send, CancellationToken stopping)
    {
        AgentLog.Info($"{command.Kind} {command.ActionType} (action {command.ActionId}, command {command.CommandId})");
        try
        {
            var answer = await handler.HandleAsync(command, stopping);
            AgentLog.Info($"{command.Kind} {command.ActionType} (action {command.ActionId}): {(answer.Succeeded ? "succeeded" : "failed")}: {answer.Details}");
            await send(Protocol.Result(command.CommandId, answer));
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The channel dropped before the result went out: the server retries, and the retry gets this answer.
            AgentLog.Warn($"The result of command {command.CommandId} could not be sent: {ex.GetType().Name}.");
        }
    }

    private async Task HeartbeatAsync(Func<byte[], Task> send, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(ct)) await send(Protocol.Heartbeat(DateTimeOffset.UtcNow));
    }
}

public sealed class CredentialRefusedException(string message) : Exception(message);
