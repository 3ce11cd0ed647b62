using System.Globalization;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Respond.Server.Identity;

/// <summary>
/// Holds back client-secret guessing at the endpoints that authenticate clients (token, introspection, revocation).
/// Failures are counted, in the database shared by every node, per source address (<see cref="SourceThrottle"/>, shared with password sign-ins) and per client id,
/// each within a minute. An address at <see cref="SignInOptions.MaxFailuresPerSource"/> is refused unchecked; a client id at
/// <see cref="SignInOptions.MaxFailuresPerClient"/> is refused unchecked to every address that itself failed within the minute,
/// so one guesser cannot shut a client out of its own credentials, while a distributed guess still gets one try per address.
/// A throttled request answers 429 with Retry-After and <c>temporarily_unavailable</c>; every failed client authentication is
/// an audit entry (<see cref="SignInAudit"/>).
/// </summary>
internal sealed class TokenEndpointThrottle(IOptions<SignInOptions> options, TimeProvider time, SourceThrottle sources, IServiceScopeFactory scopes)
{
    private readonly SourceThrottle sources = sources;
    private const string ThrottledProperty = ".respond_throttled_for";
    private readonly FailureWindow _clients = new(scopes, time, FailureWindow.Clients, options.Value.MaxFailuresPerClient, SourceThrottle.Window);

    public static bool AuthenticatesClients(OpenIddictServerEndpointType endpoint) =>
        endpoint is OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.Introspection or OpenIddictServerEndpointType.Revocation;

    /// <summary>How long a request from <paramref name="source"/> for <paramref name="clientId"/> is still refused unchecked; null when it may try.</summary>
    public async Task<TimeSpan?> ThrottledForAsync(string? clientId, string source, CancellationToken ct) =>
        await sources.ThrottledForAsync(source, ct)
        ?? (string.IsNullOrEmpty(clientId) || !await sources.HasFailedAsync(source, ct) ? null : await _clients.ThrottledForAsync(clientId, ct));

    /// <summary>Counts a failed client authentication; true when it throttled the source.</summary>
    public async Task<bool> FailedAsync(string? clientId, string source)
    {
        if (!string.IsNullOrEmpty(clientId)) await _clients.FailedAsync(clientId);
        return await sources.FailedAsync(source);
    }

    /// <summary>Runs before OpenIddict looks at the client: a throttled caller gets no verification at all.</summary>
    public sealed class RefuseThrottled(TokenEndpointThrottle throttle) : IOpenIddictServerHandler<ProcessAuthenticationContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                .UseSingletonHandler<RefuseThrottled>()
                .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            if (!AuthenticatesClients(context.EndpointType)) return;
            var http = context.Transaction.GetHttpRequest()?.HttpContext;
            var source = SourceAddress.Of(http);
            var ct = http?.RequestAborted ?? CancellationToken.None;
            if (await throttle.sources.ThrottledForAsync(source, ct) is { } wait)
            {
                context.Transaction.Properties[ThrottledProperty] = wait;
                context.Reject(Errors.TemporarilyUnavailable, "Too many failed sign-ins from this address; try again later.");
            }
            else if (await throttle.ThrottledForAsync(context.ClientId, source, ct) is { } clientWait)
            {
                context.Transaction.Properties[ThrottledProperty] = clientWait;
                context.Reject(Errors.TemporarilyUnavailable, "Too many failed authentications of this client; try again later.");
            }
        }
    }

    /// <summary>After the answer is known: counts and audits a failed client authentication, and turns a throttled one into 429.</summary>
    public sealed class RecordOutcome<TContext>(TokenEndpointThrottle throttle, SignInAudit audit, RespondDbContext db)
        : IOpenIddictServerHandler<TContext> where TContext : BaseRequestContext
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
                .UseScopedHandler<RecordOutcome<TContext>>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<TContext>.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(TContext context)
        {
            var http = context.Transaction.GetHttpRequest()?.HttpContext;
            if (http is null) return;
            if (context.Transaction.Properties.TryGetValue(ThrottledProperty, out var wait) && wait is TimeSpan retryAfter)
            {
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return;
            }
            if (context.Transaction.Response?.Error != Errors.InvalidClient) return;

            var source = SourceAddress.Of(http);
            var clientId = context.Transaction.Request?.ClientId;
            var unknown = context.Transaction.Properties.ContainsKey(UnknownClientStandIn.UnknownClientProperty) || string.IsNullOrEmpty(clientId);
            var throttled = await throttle.FailedAsync(clientId, source);
            var organizations = unknown ? null
                : (await db.ServiceClients.AsNoTracking().Where(c => c.ClientId == clientId).Select(c => c.Organizations).SingleOrDefaultAsync(http.RequestAborted));
            var reason = unknown ? "unknown client id"
                : context.Transaction.Properties.TryGetValue(UniformClientRefusal<TContext>.ReasonProperty, out var why) && why is string text ? text : "client authentication failed";
            await audit.ClientRefusedAsync(unknown ? null : clientId, organizations, reason, source, context.EndpointType.ToString().ToLowerInvariant());
            if (throttled) await audit.SourceThrottledAsync(source, SourceThrottle.Window);
        }
    }
}
