using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// A Slack message that asks for a decision (the channel post or a direct message), kept so it can follow its request:
/// when the request changes (an approval of a quorum, a decision, an expiry), <see cref="PostedSlackMessageUpdater"/>
/// rewrites the message with <c>chat.update</c>, and a decided request's message loses its Approve and Reject buttons
/// and says how it ended. <see cref="ShownVersion"/> is the request's version the message shows; once it shows the end
/// (or updating it was given up) it is <see cref="Final"/> and never read again.
/// </summary>
public sealed class PostedSlackMessage
{
    public required string Id { get; init; }
    public required string ApprovalRequestId { get; init; }
    public required string OrganizationId { get; init; }
    /// <summary>Slack's id of the conversation that holds the message (a direct message's <c>D…</c> id, as Slack answered the post).</summary>
    public required string Channel { get; init; }
    /// <summary>Slack's timestamp of the message, its id within the conversation.</summary>
    public required string Ts { get; init; }
    /// <summary>The Slack users the channel post mentions; an update keeps them while the request is open.</summary>
    public List<string> Mentions { get; init; } = [];
    public int ShownVersion { get; set; }
    public bool Final { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>A node updating it holds it until then (another node takes it over after a crash).</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset PostedAt { get; init; }
}

internal sealed class PostedSlackMessageConfiguration : IEntityTypeConfiguration<PostedSlackMessage>
{
    public void Configure(EntityTypeBuilder<PostedSlackMessage> e)
    {
        e.ToTable("PostedSlackMessages");
        e.HasKey(m => m.Id);
        e.Property(m => m.Id).HasMaxLength(64);
        e.Property(m => m.ApprovalRequestId).HasMaxLength(64);
        e.Property(m => m.OrganizationId).HasMaxLength(64);
        e.Property(m => m.Channel).HasMaxLength(64);
        e.Property(m => m.Ts).HasMaxLength(64);
        e.Property(m => m.LastError).HasMaxLength(1000);
        e.Property(m => m.Mentions).AsSeparatedText(' ', 4000);
        // The updater reads only messages that are not final: the index keeps that read off the messages of every
        // request ever decided.
        e.HasIndex(m => new { m.Final, m.NextAttemptAt });
        e.HasIndex(m => m.ApprovalRequestId);
    }
}
