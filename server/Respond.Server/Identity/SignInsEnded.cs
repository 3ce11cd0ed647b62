namespace Respond.Server.Identity;

/// <summary>
/// Published (in process, on <see cref="Messaging.RespondEvents"/>) when every sign-in of a principal ended: the user was
/// disabled or their password reset. A subscription socket of that subject closes at once (4403 with
/// <paramref name="Reason"/>) instead of at its next standing check; sockets on other nodes close at theirs.
/// </summary>
public sealed record SignInsEnded(string Subject, string Reason);
