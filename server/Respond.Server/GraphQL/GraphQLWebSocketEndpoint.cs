using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Transport;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace Respond.Server.GraphQL;

/// <summary>
/// The graphql-transport-ws protocol (github.com/enisdenjo/graphql-ws PROTOCOL.md): connection_init within a
/// timeout, ping/pong, subscribe/next/error/complete, and the protocol's close codes. The access token comes
/// from connectionParams.authorization or the upgrade request's Authorization header (never from the URL).
/// An upgrade that does not offer the subprotocol is refused (400) before any socket exists. Every close the server
/// decides on is sent as a close frame by the one loop that writes to the socket, after the messages queued before it,
/// so the client reads the protocol's code (4408, 4403, …) rather than an aborted connection (1006). Time comes from
/// the injected <see cref="TimeProvider"/>, so tests advance a fake clock instead of waiting.
/// </summary>
internal sealed class GraphQLWebSocketEndpoint(
    GraphQLExecutor executor,
    IGraphQLTextSerializer serializer,
    OpenIddictValidationService tokens,
    Identity.PrincipalStanding standing,
    Messaging.RespondEvents events,
    IOptions<GraphQLOptions> options,
    TimeProvider time,
    ILogger<GraphQLWebSocketEndpoint> logger)
{
    private GraphQLExecutor Executor { get; } = executor;
    private IGraphQLTextSerializer Serializer { get; } = serializer;
    private OpenIddictValidationService Tokens { get; } = tokens;
    private Identity.PrincipalStanding Standing { get; } = standing;
    private Messaging.RespondEvents Events { get; } = events;
    private GraphQLOptions Options { get; } = options.Value;
    private TimeProvider Time { get; } = time;
    private ILogger Logger { get; } = logger;

    public const string SubProtocol = "graphql-transport-ws";
    private const int MaxMessageBytes = 1024 * 1024;

    /// <summary>How long the server waits for the client's close frame after sending its own before it drops the connection.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol))
        {
            GraphQLLog.WebSocketSubprotocolMissing(Logger);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"A WebSocket to /graphql must offer the '{SubProtocol}' subprotocol (Sec-WebSocket-Protocol).", http.RequestAborted);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(SubProtocol);
        await using var connection = new Connection(this, socket, http);
        await connection.RunAsync();
    }

    private sealed class Connection(GraphQLWebSocketEndpoint endpoint, WebSocket socket, HttpContext http) : IAsyncDisposable
    {
        private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(endpoint.Options.MaxQueuedMessages) { SingleReader = true });
        private readonly ConcurrentDictionary<string, IDisposable> _operations = new();
        private readonly CancellationTokenSource _closing = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        private ClaimsPrincipal? _user;
        private ITimer? _expiry;
        private ITimer? _recheck;
        private IDisposable? _signInsEnded;
        private int _rechecking;
        private bool _initReceived;
        private (int Code, string Reason)? _close;

        public async Task RunAsync()
        {
            var writer = Task.Run(WriteLoopAsync);
            using var initTimeout = endpoint.Time.CreateTimer(_ =>
            {
                if (!Volatile.Read(ref _initReceived)) RequestClose(4408, "Connection initialisation timeout");
            }, null, endpoint.Options.ConnectionInitTimeout, Timeout.InfiniteTimeSpan);
            try
            {
                // Reads until the client's close frame (or its answer to ours); cancelled only when the connection is dropped.
                while (!_closing.IsCancellationRequested)
                {
                    var text = await ReceiveAsync();
                    if (text is null) break;
                    await HandleAsync(text);
                }
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
            RequestClose((int)WebSocketCloseStatus.NormalClosure, "");
            await writer;
            await _closing.CancelAsync();
        }

        private async Task<string?> ReceiveAsync()
        {
            var buffer = new byte[8 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, _closing.Token);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                if (_close is not null) continue; // closing: what still arrives before the client's close frame is not handled
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    RequestClose(4400, "Binary messages are not part of graphql-transport-ws");
                    return null;
                }
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes)
                {
                    RequestClose(4400, "Message too large");
                    return null;
                }
                if (result.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }

        private async Task HandleAsync(string text)
        {
            OperationMessage? message;
            try
            {
                message = endpoint.Serializer.Deserialize<OperationMessage>(text);
            }
            catch (Exception)
            {
                RequestClose(4400, "Invalid message received");
                return;
            }
            switch (message?.Type)
            {
                case "connection_init":
                    await InitAsync(message);
                    break;
                case "ping":
                    Send(new { type = "pong" });
                    break;
                case "pong":
                    break;
                case "subscribe":
                    await SubscribeAsync(message);
                    break;
                case "complete":
                    if (message.Id is not null && _operations.TryRemove(message.Id, out var operation)) operation.Dispose();
                    break;
                default:
                    RequestClose(4400, $"Invalid message type '{message?.Type}'");
                    break;
            }
        }

        private async Task InitAsync(OperationMessage message)
        {
            if (_initReceived)
            {
                RequestClose(4429, "Too many initialisation requests");
                return;
            }
            Volatile.Write(ref _initReceived, true);
            var token = BearerToken(ReadAuthorization(message.Payload)) ?? BearerToken(http.Request.Headers.Authorization.ToString());
            if (token is null)
            {
                RequestClose(4403, "Forbidden: connectionParams.authorization must carry 'Bearer <token>'");
                return;
            }
            try
            {
                _user = await endpoint.Tokens.ValidateAccessTokenAsync(token, _closing.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                GraphQLLog.WebSocketTokenRefused(endpoint.Logger, ex.GetType().Name);
                RequestClose(4403, "Forbidden: the access token is not valid");
                return;
            }
            WatchToken(token, _user);
            Send(new { type = "connection_ack" });
        }

        /// <summary>
        /// The token was checked once, here; the socket must not outlive it. It closes (4403) when the token expires, at
        /// once when this node ends the principal's sign-ins (disabled, password reset), and when a periodic check finds
        /// the token revoked, the user disabled or the principal gone (what another node did), so nothing more is delivered.
        /// </summary>
        private void WatchToken(string token, ClaimsPrincipal user)
        {
            var subject = user.GetClaim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject);
            if (subject is not null)
                _signInsEnded = endpoint.Events.Observe<Identity.SignInsEnded>(e => e.Subject == subject)
                    .Subscribe(new SignInsEndedObserver(this, user));
            var now = endpoint.Time.GetUtcNow();
            if (user.GetExpirationDate() is { } expiresAt)
                _expiry = endpoint.Time.CreateTimer(_ => CloseForToken("Forbidden: the access token expired", user),
                    null, expiresAt > now ? expiresAt - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            var every = endpoint.Options.TokenRecheckInterval;
            _recheck = endpoint.Time.CreateTimer(_ => _ = RecheckAsync(token, user), null, every, every);
        }

        private async Task RecheckAsync(string token, ClaimsPrincipal user)
        {
            if (Interlocked.Exchange(ref _rechecking, 1) == 1) return;
            try
            {
                if (await endpoint.Standing.RefusalAsync(token, user, _closing.Token) is { } refusal) CloseForToken(refusal, user);
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
            finally
            {
                Volatile.Write(ref _rechecking, 0);
            }
        }

        private void CloseForToken(string reason, ClaimsPrincipal user)
        {
            GraphQLLog.WebSocketClosedForToken(endpoint.Logger, user.GetClaim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject) ?? "?", reason);
            foreach (var id in _operations.Keys)
                if (_operations.TryRemove(id, out var operation)) operation.Dispose();
            RequestClose(4403, reason);
        }

        private async Task SubscribeAsync(OperationMessage message)
        {
            if (_user is null)
            {
                RequestClose(4401, "Unauthorized");
                return;
            }
            if (string.IsNullOrEmpty(message.Id))
            {
                RequestClose(4400, "A subscribe message needs an id");
                return;
            }
            GraphQLRequest? request;
            try
            {
                request = endpoint.Serializer.ReadNode<GraphQLRequest>(message.Payload);
            }
            catch (Exception)
            {
                request = null;
            }
            if (request?.Query is null)
            {
                RequestClose(4400, "A subscribe payload needs a query");
                return;
            }
            var id = message.Id;
            var placeholder = new Placeholder();
            if (!_operations.TryAdd(id, placeholder))
            {
                RequestClose(4409, $"Subscriber for {id} already exists");
                return;
            }

            var scope = http.RequestServices.CreateAsyncScope();
            var result = await endpoint.Executor.ExecuteAsync(request, _user, scope.ServiceProvider, null, _closing.Token, allowSubscriptions: true);
            if (!result.Executed)
            {
                await scope.DisposeAsync();
                if (_operations.TryRemove(id, out _))
                    Send(new { id, type = "error", payload = result.Errors });
                return;
            }
            if (result.Streams is { Count: > 0 } streams)
            {
                var observer = new StreamObserver(this, id);
                var subscription = streams.Values.First().Subscribe(observer);
                var registration = new CompositeDisposable(subscription, scope);
                // The client may have completed the operation while it was being set up.
                if (!_operations.TryUpdate(id, registration, placeholder)) registration.Dispose();
                return;
            }
            await scope.DisposeAsync();
            if (_operations.TryRemove(id, out _))
            {
                Send(new { id, type = "next", payload = result });
                Send(new { id, type = "complete" });
            }
        }

        private void Next(string id, ExecutionResult result)
        {
            if (_operations.ContainsKey(id)) Send(new { id, type = "next", payload = result });
        }

        private void Complete(string id)
        {
            if (_operations.TryRemove(id, out var operation))
            {
                operation.Dispose();
                Send(new { id, type = "complete" });
            }
        }

        private void Send(object message)
        {
            if (!_outbox.Writer.TryWrite(endpoint.Serializer.Serialize(message)))
                RequestClose(4500, "Subscriber too slow: too many undelivered messages");
        }

        private async Task WriteLoopAsync()
        {
            try
            {
                await foreach (var text in _outbox.Reader.ReadAllAsync(_closing.Token))
                    await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _closing.Token);
                var (code, reason) = _close ?? ((int)WebSocketCloseStatus.NormalClosure, "");
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, _closing.Token);
                // A client that never answers our close frame does not keep the connection (and the reader) alive.
                if (socket.State == WebSocketState.CloseSent) _closing.CancelAfter(CloseHandshakeTimeout);
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
        }

        /// <summary>Asks the writer to send the close frame after what is already queued; the first reason wins.</summary>
        private void RequestClose(int code, string reason)
        {
            lock (_outbox)
            {
                _close ??= (code, reason);
            }
            _outbox.Writer.TryComplete();
        }

        private string? ReadAuthorization(object? payload)
        {
            if (payload is null) return null;
            try
            {
                var inputs = endpoint.Serializer.ReadNode<Inputs>(payload);
                return inputs is not null && inputs.TryGetValue("authorization", out var value) ? value as string
                    : inputs is not null && inputs.TryGetValue("Authorization", out var value2) ? value2 as string : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        private static string? BearerToken(string? authorization) =>
            authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? authorization["Bearer ".Length..].Trim()
                : null;

        public ValueTask DisposeAsync()
        {
            _expiry?.Dispose();
            _recheck?.Dispose();
            _signInsEnded?.Dispose();
            foreach (var operation in _operations.Values) operation.Dispose();
            _operations.Clear();
            _closing.Dispose();
            return ValueTask.CompletedTask;
        }

        private sealed class SignInsEndedObserver(Connection connection, ClaimsPrincipal user) : IObserver<Identity.SignInsEnded>
        {
            public void OnNext(Identity.SignInsEnded value) => connection.CloseForToken(value.Reason, user);
            public void OnError(Exception error) { }
            public void OnCompleted() { }
        }

        private sealed class StreamObserver(Connection connection, string id) : IObserver<ExecutionResult>
        {
            public void OnNext(ExecutionResult value) => connection.Next(id, value);
            public void OnError(Exception error) => connection.Complete(id);
            public void OnCompleted() => connection.Complete(id);
        }
    }

    private sealed class Placeholder : IDisposable
    {
        public void Dispose() { }
    }

    private sealed class CompositeDisposable(IDisposable subscription, IAsyncDisposable scope) : IDisposable
    {
        public void Dispose()
        {
            subscription.Dispose();
            _ = scope.DisposeAsync();
        }
    }
}
