using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Webhook;

/// <summary>A callback signature accepted and remembered until its timestamp can no longer be accepted.</summary>
public sealed class AcceptedWebhookCallback
{
    public required string OrganizationId { get; init; }

    /// <summary>The signature header, lower case.</summary>
    public required string Signature { get; init; }

    public DateTimeOffset ForgetAt { get; init; }
}

/// <summary>
/// The callback signatures accepted while their timestamp is still acceptable, so a captured callback cannot be
/// replayed. In the database (a row per accepted signature, unique per organization): a replay is refused by every node
/// sharing it, not only by the node that accepted the original.
/// </summary>
internal sealed class WebhookReplayGuard(RespondDbContext db, TimeProvider time)
{
    /// <summary>Claims the signature; false if it was accepted before. <paramref name="signedAt"/> bounds how long it must be remembered.</summary>
    public async Task<bool> TryAcceptAsync(string organizationId, string signature, DateTimeOffset signedAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Set<AcceptedWebhookCallback>().Where(a => a.OrganizationId == organizationId && a.ForgetAt <= now).ExecuteDeleteAsync(ct);
        var claim = new AcceptedWebhookCallback
        {
            OrganizationId = organizationId,
            Signature = signature.ToLowerInvariant(),
            ForgetAt = signedAt + WebhookSignature.Tolerance + TimeSpan.FromSeconds(1),
        };
        db.Add(claim);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.Entry(claim).State = EntityState.Detached;
        }
    }

    /// <summary>Gives a claim back when the callback could not be processed, so the sender can try again.</summary>
    public Task ReleaseAsync(string organizationId, string signature) =>
        db.Set<AcceptedWebhookCallback>().Where(a => a.OrganizationId == organizationId && a.Signature == signature.ToLowerInvariant())
            .ExecuteDeleteAsync(CancellationToken.None);
}
