using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Respond.Server.Features.Chat;

internal sealed class SlackIntegrationConfiguration : IEntityTypeConfiguration<SlackIntegration>
{
    public void Configure(EntityTypeBuilder<SlackIntegration> e)
    {
        e.ToTable("SlackIntegrations");
        e.HasKey(s => s.OrganizationId);
        e.Property(s => s.OrganizationId).HasMaxLength(64);
        e.Property(s => s.ChannelId).HasMaxLength(64);
        e.Property(s => s.ApiBaseUrl).HasMaxLength(2048);
        e.Property(s => s.UpdatedBy).HasMaxLength(128);
    }
}

internal sealed class TeamsIntegrationConfiguration : IEntityTypeConfiguration<TeamsIntegration>
{
    public void Configure(EntityTypeBuilder<TeamsIntegration> e)
    {
        e.ToTable("TeamsIntegrations");
        e.HasKey(t => t.OrganizationId);
        e.Property(t => t.OrganizationId).HasMaxLength(64);
        e.Property(t => t.WebhookHost).HasMaxLength(255);
        e.Property(t => t.UpdatedBy).HasMaxLength(128);
    }
}

internal sealed class SlackUserLinkConfiguration : IEntityTypeConfiguration<SlackUserLink>
{
    public void Configure(EntityTypeBuilder<SlackUserLink> e)
    {
        e.ToTable("SlackUserLinks");
        e.HasKey(l => new { l.SlackTeamId, l.SlackUserId });
        e.Property(l => l.SlackTeamId).HasMaxLength(32);
        e.Property(l => l.SlackUserId).HasMaxLength(32);
        e.Property(l => l.SlackUserName).HasMaxLength(128);
        e.Property(l => l.UserId).HasMaxLength(128);
        e.Property(l => l.OrganizationId).HasMaxLength(64);
        e.HasIndex(l => l.UserId);
    }
}

internal sealed class SlackLinkCodeConfiguration : IEntityTypeConfiguration<SlackLinkCode>
{
    public void Configure(EntityTypeBuilder<SlackLinkCode> e)
    {
        e.ToTable("SlackLinkCodes");
        e.HasKey(c => c.CodeHash);
        e.Property(c => c.CodeHash).HasMaxLength(64);
        e.Property(c => c.OrganizationId).HasMaxLength(64);
        e.Property(c => c.SlackTeamId).HasMaxLength(32);
        e.Property(c => c.SlackUserId).HasMaxLength(32);
        e.Property(c => c.SlackUserName).HasMaxLength(128);
        e.Property(c => c.UsedBy).HasMaxLength(128);
        e.HasIndex(c => c.ExpiresAt);
    }
}

internal sealed class SlackInteractionReceiptConfiguration : IEntityTypeConfiguration<SlackInteractionReceipt>
{
    public void Configure(EntityTypeBuilder<SlackInteractionReceipt> e)
    {
        e.ToTable("SlackInteractionReceipts");
        e.HasKey(r => r.Signature);
        e.Property(r => r.Signature).HasMaxLength(80);
        e.HasIndex(r => r.ReceivedAt);
    }
}
