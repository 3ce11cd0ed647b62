using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors.Agents;

/// <summary>What came back for one command: the agent's result, or why none came (always worth a retry).</summary>
internal abstract record AgentAnswer
{
    private AgentAnswer() { }

    public sealed record Replied(bool Succeeded, string Details, JsonObject? Facts, bool Transient) : AgentAnswer;

    public sealed record NoAnswer(string Reason) : AgentAnswer;
}

/// <summary>
/// One agent's open channel. Commands are correlated with their results by command id; a command whose
/// connection drops is answered at once (<see cref="AgentAnswer.NoAnswer"/>) instead of waiting for its timeout.
/// </summary>
internal sealed class AgentConnection(string agentId, string organizationId, string deviceId, WebSocket socket, DateTimeOffset connectedAt)
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private volatile bool _closed;

    public string AgentId { get; } = agentId;
    public string OrganizationId { get; } = organizationId;
    public string DeviceId { get; } = deviceId;
    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    /// <summary>Sends <paramref name="command"/> and waits for its result, at most <paramref name="timeout"/>.</summary>
    public async Task<AgentAnswer> AskAsync(AgentCommandMessage command, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var pending = new Pending();
        _pending[command.CommandId] = pending;
        try
        {
            if (_closed) return new AgentAnswer.NoAnswer($"agent offline: device {DeviceId} disconnected.");
            try
            {
                await SendAsync(JsonSerializer.SerializeToUtf8Bytes(command, AgentProtocol.Json), ct);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                return new AgentAnswer.NoAnswer($"agent offline: device {DeviceId} disconnected before the command was sent.");
            }
            try
            {
                return await pending.Answer.Task.WaitAsync(timeout, time, ct);
            }
            catch (TimeoutException)
            {
                return new AgentAnswer.NoAnswer(pending.Acknowledged
                    ? $"agent did not answer: device {DeviceId} acknowledged the command but sent no result within {timeout.TotalSeconds:0} s."
                    : $"agent did not answer: device {DeviceId} did not acknowledge the command within {timeout.TotalSeconds:0} s.");
            }
        }
        finally
        {
            _pending.TryRemove(command.CommandId, out _);
        }
    }

    public void Acknowledge(string commandId)
    {
        if (_pending.TryGetValue(commandId, out var pending)) pending.Acknowledged = true;
    }

    /// <summary>False when nobody waits for this command any more (it timed out, or the id is made up).</summary>
    public bool Complete(string commandId, AgentAnswer.Replied reply) =>
        _pending.TryGetValue(commandId, out var pending) && pending.Answer.TrySetResult(reply);

    /// <summary>The channel is gone: everyone waiting learns it now.</summary>
    public void MarkClosed()
    {
        _closed = true;
        foreach (var pending in _pending.Values)
            pending.Answer.TrySetResult(new AgentAnswer.NoAnswer($"agent offline: device {DeviceId} disconnected before answering."));
    }

    /// <summary>Drops the socket without a close handshake (credential replaced, or a newer connection of the same device).</summary>
    public void Abort()
    {
        MarkClosed();
        socket.Abort();
    }

    private async Task SendAsync(byte[] message, CancellationToken ct)
    {
        // A WebSocket allows one send at a time; commands for one device may be issued concurrently.
        await _sending.WaitAsync(ct);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    private sealed class Pending
    {
        public TaskCompletionSource<AgentAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool Acknowledged;
    }
}
