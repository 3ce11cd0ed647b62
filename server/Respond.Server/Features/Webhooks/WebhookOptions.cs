using System.ComponentModel.DataAnnotations;

namespace Respond.Server.Features.Webhooks;

/// <summary>The <c>Respond:Webhooks</c> section: how outbound webhooks are retried and when a failing endpoint is disabled (docs/partners.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Respond:Webhooks";

    /// <summary>Allows http:// endpoints (default: https only).</summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>The wait after the first failed attempt; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts of one message before it is given up (Failed; it can still be replayed).</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 12;

    /// <summary>Messages given up in a row after which the subscription is disabled, audited and an alert raised for its organization.</summary>
    [Range(1, 10_000)] public int DisableAfterFailedMessages { get; set; } = 5;

    /// <summary>How long one attempt may take; a receiver should answer 2xx at once and work afterwards.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the outbox is read when nothing announces new messages (another node's, retries that came due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After a secret rotation the previous secret keeps signing beside the new one for this long.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delivered and failed messages (and their attempts) older than this are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public bool IsValid => FirstRetryDelay > TimeSpan.Zero && MaxRetryDelay >= FirstRetryDelay && AttemptTimeout > TimeSpan.Zero
        && PollInterval > TimeSpan.Zero && SecretOverlap >= TimeSpan.Zero && Retention > TimeSpan.Zero;

    /// <summary>The wait after attempt <paramref name="attempts"/> (1-based) failed.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var delay = FirstRetryDelay.Ticks * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)delay);
    }
}
