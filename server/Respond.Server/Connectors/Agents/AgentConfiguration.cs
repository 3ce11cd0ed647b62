using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Respond.Server.Connectors.Agents;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> e)
    {
        e.ToTable("Agents");
        e.HasKey(a => a.Id);
        e.Property(a => a.Id).HasMaxLength(64);
        e.Property(a => a.OrganizationId).HasMaxLength(64);
        e.Property(a => a.DeviceId).HasMaxLength(128);
        e.Property(a => a.Hostname).HasMaxLength(255);
        e.Property(a => a.Os).HasMaxLength(128);
        e.Property(a => a.SecretHash).HasMaxLength(64);
        e.Property(a => a.RevokedBy).HasMaxLength(128);
        e.Property(a => a.RevokedReason).HasMaxLength(500);
        e.Property(a => a.ConnectedNodeId).HasMaxLength(128);
        // One agent per device and organization: re-enrolment updates this row, it never adds a second one.
        e.HasIndex(a => new { a.OrganizationId, a.DeviceId }).IsUnique();
    }
}

internal sealed class AgentEnrollmentTokenConfiguration : IEntityTypeConfiguration<AgentEnrollmentToken>
{
    public void Configure(EntityTypeBuilder<AgentEnrollmentToken> e)
    {
        e.ToTable("AgentEnrollmentTokens");
        e.HasKey(t => t.Id);
        e.Property(t => t.Id).HasMaxLength(64);
        e.Property(t => t.OrganizationId).HasMaxLength(64);
        e.Property(t => t.TokenHash).HasMaxLength(64);
        e.Property(t => t.CreatedBy).HasMaxLength(128);
        e.Property(t => t.UsedByAgentId).HasMaxLength(64);
        e.Property(t => t.RevokedBy).HasMaxLength(128);
        // Claiming a token is "UPDATE ... WHERE UsedAt IS NULL": of two racing enrolments only one succeeds.
        e.Property(t => t.UsedAt).IsConcurrencyToken();
        e.HasIndex(t => t.TokenHash).IsUnique();
    }
}
