using System.Collections.Concurrent;

namespace Respond.Server.Connectors.Webhook;

/// <summary>
/// The callback signatures accepted while their timestamp is still acceptable, so a captured callback cannot be
/// replayed. In memory: one Respond instance (or sticky routing) per webhook.
/// </summary>
internal sealed class WebhookReplayGuard(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new();
    private DateTimeOffset _nextSweep;

    /// <summary>Claims the signature; false if it was accepted before. <paramref name="signedAt"/> bounds how long it must be remembered.</summary>
    public bool TryAccept(string organizationId, string signature, DateTimeOffset signedAt)
    {
        Sweep();
        return _accepted.TryAdd(Key(organizationId, signature), signedAt + WebhookSignature.Tolerance + TimeSpan.FromSeconds(1));
    }

    /// <summary>Gives a claim back when the callback could not be processed, so the sender can try again.</summary>
    public void Release(string organizationId, string signature) => _accepted.TryRemove(Key(organizationId, signature), out _);

    private static string Key(string organizationId, string signature) => organizationId + " " + signature.ToLowerInvariant();

    private void Sweep()
    {
        var now = time.GetUtcNow();
        if (now < _nextSweep) return;
        _nextSweep = now.AddMinutes(1);
        foreach (var (key, forgetAt) in _accepted)
            if (forgetAt <= now) _accepted.TryRemove(key, out _);
    }
}
