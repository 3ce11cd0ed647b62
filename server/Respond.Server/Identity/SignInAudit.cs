using Respond.Server.Features.Audit;

namespace Respond.Server.Identity;

/// <summary>
/// Audit entries for refused sign-ins, lockouts and throttled addresses. The actor is taken from the server's records — the
/// account or client the attempt named, when it exists — or is <see cref="Unknown"/>; text the caller typed (a user name that
/// does not exist, a client id nobody registered) is never written, so the trail cannot be filled with forged names. Entries
/// about an account are scoped to its organizations; the rest (unknown names, addresses) only to administrators of every
/// organization. The caller saves them (in the request's DbContext).
/// </summary>
internal sealed class SignInAudit(AuditTrail audit)
{
    public const string Unknown = "unknown";
    public const string SignInRefusedAction = "user.signInRefused";
    public const string LockedOutAction = "user.signInLockedOut";
    public const string SourceThrottledAction = "signIn.sourceThrottled";
    public const string ClientRefusedAction = "client.authenticationRefused";
    private static readonly RespondPrincipal UnknownActor = Actor(Unknown, Unknown);

    public void SignInRefused(UserAccount? user, string reason, string source, string via) =>
        audit.Record(user is null ? UnknownActor : Actor(user.Id, user.UserName), SignInRefusedAction, "User", user?.Id ?? Unknown,
            Scope(user?.Organizations), null, new { Reason = reason, Via = via, Source = source });

    public void LockedOut(UserAccount? user, TimeSpan duration, string source) =>
        audit.Record(user is null ? UnknownActor : Actor(user.Id, user.UserName), LockedOutAction, "User", user?.Id ?? Unknown,
            Scope(user?.Organizations), null, new { Reason = "too many failed sign-ins", LockedForSeconds = (int)duration.TotalSeconds, Source = source });

    public void SourceThrottled(string source, TimeSpan window) =>
        audit.Record(UnknownActor, SourceThrottledAction, "SourceAddress", source, Scope(null), null,
            new { Reason = "too many failed credential checks from this address", WindowSeconds = (int)window.TotalSeconds });

    /// <summary>A failed client authentication. <paramref name="knownClientId"/> is null for an unregistered id (never written);
    /// <paramref name="organizations"/> are the registered client's, when it has any.</summary>
    public void ClientRefused(string? knownClientId, IReadOnlyCollection<string>? organizations, string reason, string source, string endpoint) =>
        audit.Record(knownClientId is null ? UnknownActor : Actor(knownClientId, knownClientId), ClientRefusedAction, "Client",
            knownClientId ?? Unknown, Scope(organizations), null, new { Reason = reason, Endpoint = endpoint, Source = source });

    private static RespondPrincipal Actor(string id, string name) =>
        new(id, name, new HashSet<string>(), new HashSet<string>());

    /// <summary>An account's organizations; installation-wide (only principals of every organization see it) otherwise.</summary>
    private static IEnumerable<string> Scope(IReadOnlyCollection<string>? organizations) =>
        organizations is { Count: > 0 } && !organizations.Contains(RespondPrincipal.AllOrganizations)
            ? organizations
            : [RespondPrincipal.AllOrganizations];
}
