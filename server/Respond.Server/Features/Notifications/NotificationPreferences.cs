using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// How one person hears of approval requests beyond the in-app notice they always get: which channels (email, a Slack
/// direct message to their linked Slack user, a mention in the organization's Slack channel) and which events (requests
/// they can decide, escalations that name them). No row: <see cref="Defaults"/>.
/// </summary>
public sealed class NotificationPreferences
{
    public required string UserId { get; init; }
    public bool Email { get; set; } = true;
    /// <summary>Where mail goes; none: no mail (Respond keeps no other address for a person).</summary>
    public string? EmailAddress { get; set; }
    public bool SlackDirectMessage { get; set; }
    public bool SlackChannelMention { get; set; } = true;
    public bool RequestsICanDecide { get; set; } = true;
    public bool EscalationsToMe { get; set; } = true;
    public DateTimeOffset? UpdatedAt { get; set; }

    public static NotificationPreferences Defaults(string userId) => new() { UserId = userId };
}

internal sealed class NotificationPreferencesConfiguration : IEntityTypeConfiguration<NotificationPreferences>
{
    public void Configure(EntityTypeBuilder<NotificationPreferences> e)
    {
        e.ToTable("NotificationPreferences");
        e.HasKey(p => p.UserId);
        e.Property(p => p.UserId).HasMaxLength(128);
        e.Property(p => p.EmailAddress).HasMaxLength(254);
    }
}
