using System.ComponentModel.DataAnnotations;

namespace Respond.Server.Features.Notifications;

/// <summary>The <c>Respond:Notifications</c> section: how approval notifications (Slack, Teams, mail) are sent and retried.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Respond:Notifications";

    /// <summary>How often the notification outbox is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait after the first failed attempt; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before a notification is given up (logged; the request itself is unaffected).</summary>
    [Range(1, 50)] public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a node holds a notification it is sending before another node may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public bool IsValid => PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromDays(1) && FirstRetryDelay > TimeSpan.Zero && MaxRetryDelay >= FirstRetryDelay && Lease > TimeSpan.Zero;

    public TimeSpan RetryDelay(int attempts)
    {
        var delay = FirstRetryDelay.Ticks * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)delay);
    }
}
