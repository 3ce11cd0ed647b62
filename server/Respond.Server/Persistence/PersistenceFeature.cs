using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Quartz;

namespace Respond.Server.Persistence;

public enum DatabaseProvider { Sqlite, SqlServer, PostgreSql }

public sealed class DatabaseOptions
{
    public const string Section = "Respond:Database";

    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQLite: how often <see cref="SqliteWalCheckpointer"/> copies the write-ahead log into the database file, off the
    /// commits. Zero leaves it to SQLite (the commit that fills 1,000 pages copies them, holding the write turn).
    /// </summary>
    public TimeSpan WalCheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// `Respond:Cluster`: how the nodes sharing one PostgreSQL or SQL Server database watch each other (docs/scale-out.md).
/// A node that misses its check-ins for <see cref="CheckinInterval"/> + <see cref="CheckinMisfireThreshold"/> is dead to
/// the others; the next check-in of a living node (at most one more interval) takes over its scheduled jobs.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Respond:Cluster";

    /// <summary>How often a node's scheduler records in the database that it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long past a missed check-in the other nodes wait before taking over a node's jobs.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a node's lease on an evaluation partition (an organization) and its own liveness last without renewal.
    /// A node that stops renewing (crash, pause, lost network) loses its partitions to the other nodes after this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a node renews its leases, counts the living nodes and takes or gives up partitions toward its fair share.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a node looks in the event log for events other nodes appended to the partitions it holds.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public static class PersistenceFeature
{
    public const string ConnectionStringName = "Respond";

    /// <summary>Where demo mode keeps its data unless <c>Respond:Demo:Database</c> says otherwise (empty: the configured database).</summary>
    public const string DemoDatabase = "Data Source=App_Data/respond-demo.db";

    public static IServiceCollection AddRespondPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton<Features.Audit.AuditPublisher>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var provider = configuration.GetValue(DatabaseOptions.Section + ":Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(o => o.CheckinInterval >= TimeSpan.FromMilliseconds(100), "Respond:Cluster:CheckinInterval must be at least 100 ms.")
            .Validate(o => o.CheckinMisfireThreshold >= TimeSpan.FromMilliseconds(100), "Respond:Cluster:CheckinMisfireThreshold must be at least 100 ms.")
            .Validate(o => o.LeaseRenewInterval >= TimeSpan.FromMilliseconds(100), "Respond:Cluster:LeaseRenewInterval must be at least 100 ms.")
            .Validate(o => o.LeaseDuration >= 2 * o.LeaseRenewInterval, "Respond:Cluster:LeaseDuration must be at least twice Respond:Cluster:LeaseRenewInterval.")
            .Validate(o => o.LogPollInterval >= TimeSpan.FromMilliseconds(50), "Respond:Cluster:LogPollInterval must be at least 50 ms.")
            .ValidateOnStart();
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        // `--demo` writes organizations, rules and a stream of events: on a SQLite file of its own, never into the real
        // database by surprise. Respond:Demo:Database= (empty) runs it on the configured database on purpose.
        if (configuration.GetValue<bool>("Respond:Demo:Enabled") && (configuration["Respond:Demo:Database"] ?? DemoDatabase) is { Length: > 0 } demo)
        {
            provider = DatabaseProvider.Sqlite;
            connectionString = demo;
        }
        // One node on SQLite evaluates every partition; nodes sharing a server database lease them (PartitionLeaseManager).
        services.AddSingleton(new Features.Engine.PartitionOwnership(clustered: provider != DatabaseProvider.Sqlite));
        if (provider == DatabaseProvider.SqlServer)
        {
            RequireConnectionString(provider, connectionString);
            services.AddDbContext<RespondDbContext, SqlServerRespondDbContext>((sp, o) => o.UseSqlServer(connectionString).UseOpenIddict().AddInterceptors(SaveInterceptors(sp)),
                optionsLifetime: ServiceLifetime.Singleton);
            AddScheduler(services, store => store.UseSqlServer(connectionString!), cluster);
        }
        else if (provider == DatabaseProvider.PostgreSql)
        {
            RequireConnectionString(provider, connectionString);
            services.AddDbContext<RespondDbContext, PostgreSqlRespondDbContext>((sp, o) => o.UseNpgsql(connectionString).UseOpenIddict().AddInterceptors(SaveInterceptors(sp)),
                optionsLifetime: ServiceLifetime.Singleton);
            AddScheduler(services, store => store.UsePostgres(connectionString!), cluster);
        }
        else
        {
            var sqlite = SqliteConnectionString(connectionString, environment.ContentRootPath);
            var checkpointed = (configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions()).WalCheckpointInterval > TimeSpan.Zero;
            services.AddDbContext<RespondDbContext, SqliteRespondDbContext>((sp, o) => o.UseSqlite(sqlite).UseOpenIddict()
                .AddInterceptors(SaveInterceptors(sp)).AddInterceptors(new SqlitePragmas(checkpointed ? SqliteWalCheckpointer.BackstopPages : null)),
                optionsLifetime: ServiceLifetime.Singleton);
            if (checkpointed)
                services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SqliteWalCheckpointer>(sp, sqlite))
                    .AddHostedService(sp => sp.GetRequiredService<SqliteWalCheckpointer>());
            AddScheduler(services, store => store.UseSqlite(sqlite), clustered: null);
        }
        return services;
    }

    /// <summary>
    /// What every save passes through: the audit's publisher, the webhook outbox's writer, the approval notifications'
    /// writer and (PostgreSQL) the notices to the other nodes, the writers in the same transaction as the change. All are
    /// singletons, so the context's options are built once (optionsLifetime: Singleton), not again in every scope. Any
    /// other <c>IInterceptor</c> registered as a service joins them (tests watch commands and transactions that way).
    /// </summary>
    private static Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] SaveInterceptors(IServiceProvider sp) =>
        [sp.GetRequiredService<Features.Audit.AuditPublisher>(), sp.GetRequiredService<Features.Webhooks.WebhookOutboxWriter>(),
            sp.GetRequiredService<Features.Notifications.ApprovalNotificationWriter>(), sp.GetRequiredService<Features.Cluster.ClusterNoticeWriter>(),
            .. sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()];

    private static void RequireConnectionString(DatabaseProvider provider, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"Respond:Database:Provider is {provider} but ConnectionStrings:Respond is empty.");
    }

    /// <summary>
    /// Quartz on a persistent job store in Respond's own database (Quartz creates its QRTZ_ tables there when missing
    /// and validates them at start): queued response actions, verifications, timers and approval expiries survive a
    /// restart. Job data holds strings only. On a shared server database (PostgreSQL, SQL Server) the scheduler is
    /// clustered: every node takes part with an instance id generated at start, a trigger fires on one node only (row
    /// locks in the database), and the jobs a dead node had acquired or was running are taken over by a living node
    /// (<see cref="ClusterOptions"/>). SQLite is one node and stays non-clustered.
    /// </summary>
    private static void AddScheduler(IServiceCollection services, Action<IPersistentStoreBuilder> database, ClusterOptions? clustered)
    {
        services.AddQuartz(q =>
        {
            // Quartz keeps wall-clock time even when tests replace TimeProvider for the product's own logic.
            q.UseTimeProvider(TimeProvider.System);
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true);
                database(store);
                if (clustered is not null)
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = clustered.CheckinInterval;
                        c.CheckinMisfireThreshold = clustered.CheckinMisfireThreshold;
                    });
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
    }

    /// <summary>The default database is a file under the content root, so `dotnet run` needs no other service.</summary>
    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=App_Data/respond.db" : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        if (builder.DataSource != ":memory:")
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>Applies pending migrations of the configured provider before the server takes requests.</summary>
    public static async Task MigrateRespondDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        if (db.Database.IsSqlite())
        {
            // The migration EventIdempotencyKey fills the key of the events stored before it with this function. The
            // connection stays open, so the migrations run on it.
            await db.Database.OpenConnectionAsync(ct);
            ((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()).CreateFunction<string, string, string, long>(
                Features.Events.EventKey.SqliteFunction, Features.Events.EventKey.Of, isDeterministic: true);
        }
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}

/// <summary>Lets `dotnet ef migrations add ... --context SqliteRespondDbContext` build the model without running the host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRespondDbContext>
{
    public SqliteRespondDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRespondDbContext>().UseSqlite("Data Source=design.db").UseOpenIddict().Options);
}

/// <summary>SQL Server migrations are generated here without a server: the model needs only the provider.</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerRespondDbContext>
{
    public SqlServerRespondDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerRespondDbContext>().UseSqlServer("Server=design;Database=Respond;Trusted_Connection=True;TrustServerCertificate=True").UseOpenIddict().Options);
}

/// <summary>PostgreSQL migrations are generated here without a server: the model needs only the provider.</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlRespondDbContext>
{
    public PostgreSqlRespondDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlRespondDbContext>().UseNpgsql("Host=design;Database=respond").UseOpenIddict().Options);
}
