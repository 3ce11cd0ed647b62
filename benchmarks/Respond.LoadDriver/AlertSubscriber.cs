using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Respond.LoadDriver;

/// <summary>
/// A graphql-transport-ws subscriber of <c>alertRaised</c> (connection_init with the bearer token, wait for
/// connection_ack, subscribe) that notes when each latency-probe alert arrives, keyed by the event id in its title.
/// </summary>
public sealed class AlertSubscriber : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiver;

    /// <summary>Stopwatch timestamp of arrival per event id of a latency-probe alert.</summary>
    public ConcurrentDictionary<string, long> Arrivals { get; } = new(StringComparer.Ordinal);

    public int OtherAlerts;

    public string? Failure { get; private set; }

    public async Task ConnectAsync(Uri baseAddress, string token)
    {
        _socket.Options.AddSubProtocol("graphql-transport-ws");
        var uri = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = "graphql" }.Uri;
        await _socket.ConnectAsync(uri, CancellationToken.None);
        await SendAsync(new { type = "connection_init", payload = new { authorization = "Bearer " + token } });
        using var ackTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ack = await ReceiveAsync(ackTimeout.Token);
        if (ack is null || ack.RootElement.GetProperty("type").GetString() != "connection_ack")
            throw new InvalidOperationException("No connection_ack: " + ack?.RootElement.GetRawText());
        ack.Dispose();
        await SendAsync(new { id = "alerts", type = "subscribe", payload = new { query = "subscription { alertRaised { id title } }" } });
        _receiver = Task.Run(ReceiveLoopAsync);
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var message = await ReceiveAsync(_stop.Token);
                var at = Stopwatch.GetTimestamp();
                if (message is null) return;
                var root = message.RootElement;
                switch (root.GetProperty("type").GetString())
                {
                    case "next":
                        var title = root.GetProperty("payload").GetProperty("data").GetProperty("alertRaised").GetProperty("title").GetString() ?? "";
                        if (title.StartsWith(RuleSet.LatencyTitlePrefix, StringComparison.Ordinal))
                            Arrivals.TryAdd(title[RuleSet.LatencyTitlePrefix.Length..], at);
                        else Interlocked.Increment(ref OtherAlerts);
                        break;
                    case "ping":
                        await SendAsync(new { type = "pong" });
                        break;
                    case "error" or "complete":
                        Failure = root.GetRawText();
                        return;
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException ex)
        {
            Failure = ex.Message;
        }
    }

    private async Task<JsonDocument?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Failure ??= $"closed {result.CloseStatus} {result.CloseStatusDescription}";
                    return null;
                }
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage) break;
            }
            return JsonDocument.Parse(message.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private async Task SendAsync(object message)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message));
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_receiver is not null)
        {
            try { await _receiver; } catch (OperationCanceledException) { }
        }
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
