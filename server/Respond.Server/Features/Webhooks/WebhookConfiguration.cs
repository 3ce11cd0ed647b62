using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> e)
    {
        e.ToTable("WebhookSubscriptions");
        e.HasKey(s => s.Id);
        e.Property(s => s.Id).HasMaxLength(64);
        e.Property(s => s.OrganizationId).HasMaxLength(64);
        e.Property(s => s.Url).HasMaxLength(2048);
        e.Property(s => s.Description).HasMaxLength(500);
        e.Property(s => s.DisabledReason).HasMaxLength(500);
        e.Property(s => s.CreatedBy).HasMaxLength(128);
        e.Property(s => s.Events).AsSeparatedText(',', 500);
        e.Property(s => s.Version).IsConcurrencyToken();
        e.HasIndex(s => s.OrganizationId);
    }
}

internal sealed class WebhookMessageConfiguration : IEntityTypeConfiguration<WebhookMessage>
{
    public void Configure(EntityTypeBuilder<WebhookMessage> e)
    {
        e.ToTable("WebhookMessages");
        e.HasKey(m => m.Id);
        e.Property(m => m.Id).HasMaxLength(64);
        e.Property(m => m.SubscriptionId).HasMaxLength(64);
        e.Property(m => m.OrganizationId).HasMaxLength(64);
        e.Property(m => m.EventType).HasMaxLength(64);
        e.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(m => m.LastError).HasMaxLength(1000);
        // The dispatcher's query: what is due, oldest first.
        e.HasIndex(m => new { m.Status, m.NextAttemptAt });
        e.HasIndex(m => new { m.SubscriptionId, m.CreatedAt });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> e)
    {
        e.ToTable("WebhookAttempts");
        e.HasKey(a => a.Id);
        e.Property(a => a.MessageId).HasMaxLength(64);
        e.Property(a => a.SubscriptionId).HasMaxLength(64);
        e.Property(a => a.Error).HasMaxLength(1000);
        e.HasIndex(a => a.MessageId);
    }
}
