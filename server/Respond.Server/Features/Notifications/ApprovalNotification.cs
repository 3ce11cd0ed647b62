using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

public enum ApprovalNotificationStatus { Pending, Sent, Failed }

/// <summary>
/// "Tell people about this request": written in the same save that opens a request (level 0) or escalates it (level n),
/// so it commits with the change or not at all, and sent after the commit by <see cref="ApprovalNotificationDispatcher"/>
/// (Slack, Teams, mail). <see cref="Delivered"/> names each delivery already made, so a retry after a partial failure
/// repeats only what failed.
/// </summary>
public sealed class ApprovalNotification
{
    public required string Id { get; init; }
    public required string ApprovalRequestId { get; init; }
    public required string OrganizationId { get; init; }
    public int Level { get; init; }
    public ApprovalNotificationStatus Status { get; set; } = ApprovalNotificationStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>A node sending it holds it until then (another node takes it over after a crash).</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public List<string> Delivered { get; set; } = [];
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ApprovalNotificationConfiguration : IEntityTypeConfiguration<ApprovalNotification>
{
    public void Configure(EntityTypeBuilder<ApprovalNotification> e)
    {
        e.ToTable("ApprovalNotifications");
        e.HasKey(n => n.Id);
        e.Property(n => n.Id).HasMaxLength(64);
        e.Property(n => n.ApprovalRequestId).HasMaxLength(64);
        e.Property(n => n.OrganizationId).HasMaxLength(64);
        e.Property(n => n.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(n => n.LastError).HasMaxLength(1000);
        e.Property(n => n.Delivered).AsSeparatedText('\n', 4000);
        e.HasIndex(n => new { n.Status, n.NextAttemptAt });
    }
}
