using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Persistence;

public sealed class MigrationsTests
{
    [Fact]
    public void SqlServerMigrations_GeneratedScript_CreatesATableForEveryEntity()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        var script = db.GetService<IMigrator>().GenerateScript();

        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).Where(t => t is not null).Distinct().ToList();
        Assert.NotEmpty(tables);
        foreach (var table in tables)
            Assert.Matches(new Regex($@"CREATE TABLE \[{Regex.Escape(table!)}\]"), script);
    }

    [Fact]
    public void SqlServerMigrations_MatchTheModel()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQL Server migration: add one with dotnet ef migrations add --context SqlServerRespondDbContext.");
    }

    [Fact]
    public void SqliteMigrations_MatchTheModel()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: add one with dotnet ef migrations add --context SqliteRespondDbContext.");
    }

    [Fact]
    public async Task TenantSettingsMigration_ExistingGlobalSettingsAndEvents_KeptAsDefaultsAndPerOrganizationKeys()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("respond-migration-").FullName, "respond.db");
        await using (var db = new SqliteRespondDbContext(new DbContextOptionsBuilder<SqliteRespondDbContext>().UseSqlite($"Data Source={path}").UseOpenIddict().Options))
        {
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_TenantSettings", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Settings" ("Id", "Enabled", "EnabledBy", "AcknowledgedTerms", "ApprovalRequired", "AutoResponse", "Version", "UpdatedAt")
                VALUES (1, 1, 'admin', '[]', '["KillProcess"]', '{{"autoIsolateOnCritical":true}}', 7, 0);
                INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
                VALUES ('edr-X', 'org-b', 'crowdstrike', 'process.started', 3, 0, 0, '{{}}');
                """);

            // Act
            await db.Database.MigrateAsync();

            var settings = await db.Settings.AsNoTracking().SingleAsync();
            Assert.Equal("*", settings.OrganizationId);
            Assert.True(settings.Enabled);
            Assert.Equal(7, settings.Version);
            Assert.True(settings.AutoResponse.AutoIsolateOnCritical);
            Assert.Equal([Respond.Workflows.ResponseActionType.KillProcess], settings.ApprovalRequired);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
                VALUES ('edr-X', 'org-a', 'crowdstrike', 'process.started', 3, 0, 0, '{{}}');
                """);
            Assert.Equal(2, await db.Events.CountAsync());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path.GetDirectoryName(path)!, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Startup_EmptyDirectory_CreatesAndMigratesSqliteFile()
    {
        await using var api = new RespondApiFixture();

        await api.GraphQLAsync("viewer", "{ viewer { id } }");

        Assert.True(File.Exists(api.DatabasePath));
    }
}
