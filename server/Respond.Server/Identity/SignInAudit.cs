using Respond.Server.Features.Audit;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// Audit entries for refused sign-ins, lockouts, refused client authentications and throttled addresses (actions under
/// <c>signIn.</c>, beside <see cref="AuthorizationRefusals"/>' vocabulary). The actor is taken from the server's records —
/// the account or client the attempt named, when it exists — or is <see cref="Unknown"/>; text the caller typed (a user name
/// that does not exist, a client id nobody registered) is never written, so the trail cannot be filled with forged names.
/// Entries about an account or client are scoped to its organizations; the rest (unknown names, addresses) only to
/// principals of every organization. Each entry is saved in its own unit of work without the request's cancellation, so a
/// caller hanging up cannot drop it, and an unwritable trail never turns a refusal into an error.
/// </summary>
internal sealed class SignInAudit(IServiceScopeFactory scopes, ILogger<SignInAudit> logger)
{
    public const string Unknown = "unknown";
    public const string FailedAction = AuthorizationRefusals.SignInFailedAction;
    public const string LockedOutAction = AuthorizationRefusals.SignInLockedOutAction;
    public const string ClientRefusedAction = "signIn.clientRefused";
    public const string SourceThrottledAction = "signIn.sourceThrottled";
    private static readonly RespondPrincipal UnknownActor = Actor(Unknown, Unknown);

    public Task SignInRefusedAsync(UserAccount? user, string reason, string source, string via) =>
        WriteAsync(FailedAction, audit => audit.Record(user is null ? UnknownActor : Actor(user.Id, user.UserName), FailedAction, "User",
            user?.Id ?? Unknown, Scope(user?.Organizations), null, new { Reason = reason, Via = via, Source = source }));

    public Task LockedOutAsync(UserAccount? user, TimeSpan duration, string source) =>
        WriteAsync(LockedOutAction, audit => audit.Record(user is null ? UnknownActor : Actor(user.Id, user.UserName), LockedOutAction, "User",
            user?.Id ?? Unknown, Scope(user?.Organizations), null,
            new { Reason = "too many failed sign-ins", LockedForSeconds = (int)duration.TotalSeconds, Source = source }));

    public Task SourceThrottledAsync(string source, TimeSpan window) =>
        WriteAsync(SourceThrottledAction, audit => audit.Record(UnknownActor, SourceThrottledAction, "SourceAddress", source, Scope(null), null,
            new { Reason = "too many failed credential checks from this address", WindowSeconds = (int)window.TotalSeconds }));

    /// <summary>A failed client authentication. <paramref name="knownClientId"/> is null for an unregistered id (never written);
    /// <paramref name="organizations"/> are the registered client's, when it has any.</summary>
    public Task ClientRefusedAsync(string? knownClientId, IReadOnlyCollection<string>? organizations, string reason, string source, string endpoint) =>
        WriteAsync(ClientRefusedAction, audit => audit.Record(knownClientId is null ? UnknownActor : Actor(knownClientId, knownClientId), ClientRefusedAction,
            "Client", knownClientId ?? Unknown, Scope(organizations), null, new { Reason = reason, Endpoint = endpoint, Source = source }));

    private async Task WriteAsync(string action, Action<AuditTrail> record)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            record(scope.ServiceProvider.GetRequiredService<AuditTrail>());
            await scope.ServiceProvider.GetRequiredService<RespondDbContext>().SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            IdentityLog.SignInAuditNotRecorded(logger, ex, action);
        }
    }

    private static RespondPrincipal Actor(string id, string name) =>
        new(id, name, new HashSet<string>(), new HashSet<string>());

    /// <summary>An account's organizations; installation-wide (only principals of every organization see it) otherwise.</summary>
    private static IEnumerable<string> Scope(IReadOnlyCollection<string>? organizations) =>
        organizations is { Count: > 0 } && !organizations.Contains(RespondPrincipal.AllOrganizations)
            ? organizations
            : [RespondPrincipal.AllOrganizations];
}
