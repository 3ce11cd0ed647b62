using OpenIddict.Abstractions;
using Respond.Server.Identity;
using Respond.Server.Messaging;

namespace Respond.Server.Features.People;

/// <summary>
/// Ends what a principal already holds: every token issued to the subject (access tokens fail at once, as the validation
/// checks each token's entry, and refresh tokens stop working), or every token of an application.
/// </summary>
public sealed class SignInRevocation(IOpenIddictTokenManager tokens, RespondEvents events)
{
    /// <summary>Revokes the subject's tokens, then closes its open subscription sockets with <paramref name="reason"/>.</summary>
    public async Task<int> RevokeSubjectAsync(string subject, string reason, CancellationToken ct)
    {
        var revoked = 0;
        await foreach (var token in tokens.FindBySubjectAsync(subject, ct))
            if (await tokens.TryRevokeAsync(token, ct)) revoked++;
        events.Publish(new SignInsEnded(subject, reason));
        return revoked;
    }

    public async Task<int> RevokeApplicationAsync(string applicationId, CancellationToken ct)
    {
        var revoked = 0;
        await foreach (var token in tokens.FindByApplicationIdAsync(applicationId, ct))
            if (await tokens.TryRevokeAsync(token, ct)) revoked++;
        return revoked;
    }
}
