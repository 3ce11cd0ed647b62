using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Respond.Server.Features.Actions;
using Respond.Server.Connectors.Agents;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Events;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.Rules;
using Respond.Server.Features.Scripts;
using Respond.Server.Features.Settings;
using Respond.Server.Identity;

namespace Respond.Server.Persistence;

/// <summary>
/// Respond's database. Each provider has its own subclass so each keeps its own migrations
/// (EF's "one context type per provider" pattern); the model is the same.
/// </summary>
public abstract class RespondDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<OrganizationConnection> Connections => Set<OrganizationConnection>();
    public DbSet<RespondSettings> Settings => Set<RespondSettings>();
    public DbSet<Rule> Rules => Set<Rule>();
    public DbSet<RuleVersion> RuleVersions => Set<RuleVersion>();
    public DbSet<IocRule> IocRules => Set<IocRule>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<ServiceClient> ServiceClients => Set<ServiceClient>();
    public DbSet<TokenKey> TokenKeys => Set<TokenKey>();
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<ApprovalRequest> ApprovalRequests => Set<ApprovalRequest>();
    public DbSet<WorkflowInstanceRecord> WorkflowInstances => Set<WorkflowInstanceRecord>();
    public DbSet<WindowSnapshotPart> WindowSnapshots => Set<WindowSnapshotPart>();
    public DbSet<EvaluationCheckpoint> EvaluationCheckpoints => Set<EvaluationCheckpoint>();
    public DbSet<ParkedEvent> ParkedEvents => Set<ParkedEvent>();
    public DbSet<PartitionLease> PartitionLeases => Set<PartitionLease>();
    public DbSet<ClusterNode> ClusterNodes => Set<ClusterNode>();
    public DbSet<Script> Scripts => Set<Script>();
    public DbSet<ScriptVersion> ScriptVersions => Set<ScriptVersion>();
    public DbSet<ResponseAction> ResponseActions => Set<ResponseAction>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentEnrollmentToken> AgentEnrollmentTokens => Set<AgentEnrollmentToken>();

    /// <summary>
    /// Idempotency is per organization (issue 11): another tenant's (source, id) never makes an event a duplicate. SQL
    /// Server and PostgreSQL enforce it with a unique index on the three; SQLite finds them through a narrow key
    /// (<see cref="SqliteRespondDbContext"/>).
    /// </summary>
    protected virtual void ConfigureIdempotency(EntityTypeBuilder<StoredEvent> events) =>
        events.HasIndex(x => new { x.OrganizationId, x.Source, x.EventId }).IsUnique();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.UseOpenIddict();
        model.ApplyConfiguration(new AgentConfiguration());
        model.ApplyConfiguration(new AgentEnrollmentTokenConfiguration());
        model.ApplyConfiguration(new RelayedAgentCommandConfiguration());
        model.ApplyConfiguration(new Features.Webhooks.WebhookSubscriptionConfiguration());
        model.ApplyConfiguration(new Features.Webhooks.WebhookMessageConfiguration());
        model.ApplyConfiguration(new Features.Webhooks.WebhookAttemptConfiguration());
        model.ApplyConfiguration(new Features.Chat.SlackIntegrationConfiguration());
        model.ApplyConfiguration(new Features.Chat.TeamsIntegrationConfiguration());
        model.ApplyConfiguration(new Features.Chat.SlackUserLinkConfiguration());
        model.ApplyConfiguration(new Features.Chat.SlackLinkCodeConfiguration());
        model.ApplyConfiguration(new Features.Chat.SlackInteractionReceiptConfiguration());
        model.ApplyConfiguration(new Features.Notifications.NotificationPreferencesConfiguration());
        model.ApplyConfiguration(new Features.Notifications.ApprovalNotificationConfiguration());
        model.ApplyConfiguration(new Features.Notifications.PostedSlackMessageConfiguration());

        model.Entity<Organization>(e =>
        {
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).HasMaxLength(64);
            e.Property(o => o.Name).HasMaxLength(200);
            e.Ignore(o => o.ConnectionStatus);
            e.Ignore(o => o.ConnectionSimulated);
            e.HasMany(o => o.Connections).WithOne().HasForeignKey(c => c.OrganizationId);
        });
        model.Entity<OrganizationConnection>(e =>
        {
            e.HasKey(c => new { c.OrganizationId, c.Connector });
            e.Property(c => c.Connector).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.OrganizationId).HasMaxLength(64);
            e.Ignore(c => c.Simulated);
        });
        model.Entity<RespondSettings>(e =>
        {
            e.HasKey(s => s.OrganizationId);
            e.Property(s => s.OrganizationId).HasMaxLength(64).ValueGeneratedNever();
            e.Property(s => s.Version).IsConcurrencyToken();
            e.Property(s => s.ApprovalRequired).HasConversion(Json<List<Respond.Workflows.ResponseActionType>>(),
                new ValueComparer<List<Respond.Workflows.ResponseActionType>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()));
            e.Property(s => s.AutoResponse).HasConversion(Json<AutoResponseSettings>());
            e.Property(s => s.ApprovalPolicies).HasConversion(Json<List<ActionApprovalPolicy>>(), JsonEqual<List<ActionApprovalPolicy>>());
        });
        model.Entity<Rule>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.Organizations).HasMaxLength(2000);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.Property(r => r.PendingActivationRequestId).HasMaxLength(64);
            e.Ignore(r => r.OrganizationIds);
            e.HasIndex(r => r.Status);
        });
        model.Entity<RuleVersion>(e =>
        {
            e.HasKey(v => v.Id);
            e.Property(v => v.RuleId).HasMaxLength(64);
            e.Property(v => v.Outcome).HasConversion<string>().HasMaxLength(32);
            e.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(v => v.Organizations).HasMaxLength(2000);
            e.HasIndex(v => new { v.RuleId, v.Version }).IsUnique();
        });
        model.Entity<IocRule>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.Organizations).HasMaxLength(2000);
        });
        model.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.SubjectType).HasMaxLength(64);
            e.Property(a => a.SubjectId).HasMaxLength(64);
            e.Property(a => a.Organizations).HasMaxLength(2000);
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.SubjectType, a.SubjectId });
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            // Two nodes' sealers cannot give one position to two entries, and a sealer's update misses an entry another
            // node sealed first. The sealer finds the unsealed entries (no position) through this index: the table only
            // grows, and a scan of it every second grew with it.
            e.Property(a => a.ChainPosition).IsConcurrencyToken();
            e.HasIndex(a => a.ChainPosition).IsUnique();
        });
        model.Entity<UserAccount>(e =>
        {
            e.HasKey(u => u.Id);
            e.Property(u => u.UserName).HasMaxLength(128);
            e.HasIndex(u => u.UserName).IsUnique();
            e.Ignore(u => u.IsDisabled);
        });
        model.Entity<ServiceClient>(e => e.HasKey(c => c.ClientId));
        model.Entity<TokenKey>(e => e.HasKey(k => k.Purpose));
        model.Entity<StoredEvent>(e =>
        {
            e.ToTable("Events");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.EventId).HasMaxLength(128);
            e.Property(x => x.Source).HasMaxLength(128);
            e.Property(x => x.OrganizationId).HasMaxLength(64);
            e.Property(x => x.Type).HasMaxLength(128);
            ConfigureIdempotency(e);
            e.HasIndex(x => new { x.OrganizationId, x.Time });
            // The evaluator reads each organization's part of the log in sequence order from its checkpoint.
            e.HasIndex(x => new { x.OrganizationId, x.Sequence });
        });
        model.Entity<Alert>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(64);
            e.Property(a => a.RuleId).HasMaxLength(64);
            e.Property(a => a.OrganizationId).HasMaxLength(64);
            e.Property(a => a.GroupKey).HasMaxLength(512);
            e.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.RuleId, a.GroupKey, a.SuppressUntil });
            e.HasIndex(a => new { a.OrganizationId, a.CreatedAt });
        });
        model.Entity<ApprovalRequest>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(64);
            e.Property(a => a.OrganizationId).HasMaxLength(64);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(a => a.Decisions).HasConversion(Json<List<ApprovalVote>>(),
                new ValueComparer<List<ApprovalVote>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
            e.Ignore(a => a.ApprovalsReceived);
            e.Property(a => a.Escalation).HasConversion(Json<List<Respond.Workflows.EscalationStep>>(), JsonEqual<List<Respond.Workflows.EscalationStep>>());
            e.Property(a => a.Notices).HasConversion(Json<List<ApprovalNotice>>(), JsonEqual<List<ApprovalNotice>>());
            e.Property(a => a.Fallback).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.OrganizationId, a.Status });
        });
        model.Entity<WorkflowInstanceRecord>(e =>
        {
            e.ToTable("WorkflowInstances");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(64);
            e.Property(i => i.RuleId).HasMaxLength(64);
            e.Property(i => i.OrganizationId).HasMaxLength(64);
            e.Property(i => i.Status).HasMaxLength(16);
            e.HasIndex(i => new { i.RuleId, i.StartedAt });
            e.HasIndex(i => i.Status);
        });
        model.Entity<WindowSnapshotPart>(e =>
        {
            e.ToTable("WindowSnapshots");
            e.HasKey(w => new { w.OrganizationId, w.SnapshotId, w.Part });
            e.Property(w => w.OrganizationId).HasMaxLength(64);
            e.Property(w => w.SnapshotId).ValueGeneratedNever();
            e.Property(w => w.Part).ValueGeneratedNever();
        });
        model.Entity<EvaluationCheckpoint>(e =>
        {
            e.HasKey(c => c.OrganizationId);
            e.Property(c => c.OrganizationId).HasMaxLength(64);
        });
        model.Entity<PartitionLease>(e =>
        {
            e.HasKey(l => l.OrganizationId);
            e.Property(l => l.OrganizationId).HasMaxLength(64);
            e.Property(l => l.NodeId).HasMaxLength(128);
            e.HasIndex(l => l.NodeId);
        });
        model.Entity<Connectors.Webhook.AcceptedWebhookCallback>(e =>
        {
            e.ToTable("AcceptedWebhookCallbacks");
            e.HasKey(a => new { a.OrganizationId, a.Signature });
            e.Property(a => a.OrganizationId).HasMaxLength(64);
            e.Property(a => a.Signature).HasMaxLength(200);
        });
        model.Entity<Identity.CredentialFailure>(e =>
        {
            e.ToTable("CredentialFailures");
            e.Property(f => f.Kind).HasMaxLength(16);
            e.Property(f => f.Key).HasMaxLength(Identity.ThrottleKey.MaxLength);
            e.HasIndex(f => new { f.Kind, f.Key, f.FailedAt });
            e.HasIndex(f => f.FailedAt);
        });
        model.Entity<Identity.SignInLockout>(e =>
        {
            e.ToTable("SignInLockouts");
            e.HasKey(l => l.UserNameKey);
            e.Property(l => l.UserNameKey).HasMaxLength(Identity.ThrottleKey.MaxLength);
            e.HasIndex(l => l.LastFailure);
        });
        model.Entity<Identity.SignInLockoutSource>(e =>
        {
            e.ToTable("SignInLockoutSources");
            e.HasKey(s => new { s.UserNameKey, s.Source });
            e.Property(s => s.UserNameKey).HasMaxLength(Identity.ThrottleKey.MaxLength);
            e.Property(s => s.Source).HasMaxLength(Identity.ThrottleKey.MaxLength);
            e.HasIndex(s => s.FailedAt);
        });
        model.Entity<Features.RuleTesting.BacktestRecord>(e =>
        {
            e.ToTable("Backtests");
            e.HasKey(b => b.Id);
            e.Property(b => b.Id).HasMaxLength(32);
            e.Property(b => b.RuleId).HasMaxLength(128);
            e.Property(b => b.RequestedBy).HasMaxLength(128);
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(b => b.StartedAt);
        });
        model.Entity<ClusterNode>(e =>
        {
            e.HasKey(n => n.NodeId);
            e.Property(n => n.NodeId).HasMaxLength(128);
        });
        model.Entity<ParkedEvent>(e =>
        {
            e.HasKey(p => p.Sequence);
            e.Property(p => p.Sequence).ValueGeneratedNever();
            e.Property(p => p.OrganizationId).HasMaxLength(64);
            e.Property(p => p.EventId).HasMaxLength(128);
            e.Property(p => p.Source).HasMaxLength(128);
            e.Property(p => p.Type).HasMaxLength(128);
            e.Property(p => p.Reason).HasMaxLength(2000);
            e.HasIndex(p => new { p.OrganizationId, p.ParkedAt });
        });
        model.Entity<Script>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.Organizations).HasMaxLength(2000);
            e.Property(s => s.ContentHash).HasMaxLength(64);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.Ignore(s => s.OrganizationIds);
            e.HasIndex(s => s.Name);
        });
        model.Entity<ScriptVersion>(e =>
        {
            e.HasKey(v => v.Id);
            e.Property(v => v.ScriptId).HasMaxLength(64);
            e.Property(v => v.Name).HasMaxLength(200);
            e.Property(v => v.ContentHash).HasMaxLength(64);
            e.HasIndex(v => new { v.ScriptId, v.Version }).IsUnique();
        });

        model.Entity<ResponseAction>(e =>
        {
            e.HasKey(a => a.Id);
            foreach (var id in new[] { nameof(ResponseAction.Id), nameof(ResponseAction.OrganizationId), nameof(ResponseAction.AlertId), nameof(ResponseAction.RuleId),
                         nameof(ResponseAction.WorkflowInstanceId), nameof(ResponseAction.BulkGroupId), nameof(ResponseAction.RollbackOf), nameof(ResponseAction.RolledBackBy),
                         nameof(ResponseAction.ParentActionId), nameof(ResponseAction.ApprovalRequestId) })
                e.Property(id).HasMaxLength(64);
            e.Property(a => a.Type).HasConversion<string>().HasMaxLength(48);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(24);
            e.Property(a => a.Source).HasConversion<string>().HasMaxLength(24);
            e.Property(a => a.Connector).HasConversion<string>().HasMaxLength(32);
            e.Property(a => a.VerificationStatus).HasConversion<string>().HasMaxLength(24);
            e.Property(a => a.DeviceId).HasMaxLength(128);
            e.Property(a => a.UserId).HasMaxLength(256);
            e.Property(a => a.Ip).HasMaxLength(64);
            e.Property(a => a.FilePath).HasMaxLength(1024);
            e.Property(a => a.FileSha256).HasMaxLength(64);
            e.Property(a => a.SubmittedBy).HasMaxLength(128);
            e.Property(a => a.Timeline).HasConversion(
                v => JsonSerializer.Serialize(v, JsonOptions),
                v => JsonSerializer.Deserialize<List<ResponseActionTransition>>(v, JsonOptions) ?? new List<ResponseActionTransition>(),
                new ValueComparer<List<ResponseActionTransition>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
            e.Property(a => a.Version).IsConcurrencyToken();
            e.Ignore(a => a.Target);
            e.Ignore(a => a.IsTerminal);
            e.HasIndex(a => new { a.OrganizationId, a.SubmittedAt });
            e.HasIndex(a => new { a.OrganizationId, a.RuleId, a.Type, a.SubmittedAt });
            e.HasIndex(a => a.ApprovalRequestId);
            e.HasIndex(a => a.Status);
            e.HasIndex(a => a.AlertId);
            e.HasIndex(a => a.BulkGroupId);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot order or compare DateTimeOffset; store UTC ticks on every provider so the model is one.
        conventions.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetTicksConverter>();
        conventions.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetTicksConverter>();
    }

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Json<T>() where T : class, new() =>
        new(v => JsonSerializer.Serialize(v, JsonOptions), v => JsonSerializer.Deserialize<T>(v, JsonOptions) ?? new T());

    /// <summary>Compares and snapshots a JSON-stored value by its JSON, so changes inside nested lists are saved too.</summary>
    private static ValueComparer<T> JsonEqual<T>() where T : class, new() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
        v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions) ?? new T());

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

internal sealed class DateTimeOffsetTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>
/// SQLite: the log's appends find duplicates through <c>IdempotencyKey</c> (<see cref="EventKey"/>), a 64-bit key of
/// (organization, source, id) under a plain index, and compare the three themselves (<see cref="EventStore"/>); only
/// the appends write it, so it is a column EF never reads.
/// </summary>
public sealed class SqliteRespondDbContext(DbContextOptions<SqliteRespondDbContext> options) : RespondDbContext(options)
{
    private const string IdempotencyKey = nameof(IdempotencyKey);

    protected override void ConfigureIdempotency(EntityTypeBuilder<StoredEvent> events)
    {
        events.Property<long>(IdempotencyKey);
        events.HasIndex(IdempotencyKey);
    }
}

public sealed class SqlServerRespondDbContext(DbContextOptions<SqlServerRespondDbContext> options) : RespondDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        // SQL Server's unique index on a nullable column leaves NULLs out (a filtered index), so it cannot find the
        // unsealed audit entries; this one holds exactly them.
        model.Entity<AuditEntry>().HasIndex(a => a.Id, "IX_AuditEntries_Unsealed").HasFilter("[ChainPosition] IS NULL");
    }
}

/// <summary>
/// PostgreSQL: the event payload is <c>jsonb</c>, so it can be queried and indexed in the database (containment,
/// paths) without parsing text; the other JSON columns are read whole and stay text.
/// </summary>
public sealed class PostgreSqlRespondDbContext(DbContextOptions<PostgreSqlRespondDbContext> options) : RespondDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        model.Entity<StoredEvent>().Property(x => x.Json).HasColumnType("jsonb");
    }
}
