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
    public void PostgreSqlMigrations_MatchTheModel()
    {
        using var db = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration: add one with dotnet ef migrations add --context PostgreSqlRespondDbContext.");
    }

    [Fact]
    public void PostgreSqlMigrations_GeneratedScript_StoresEventPayloadsAsJsonb()
    {
        using var db = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        var script = db.GetService<IMigrator>().GenerateScript();

        Assert.Matches(new Regex(@"CREATE TABLE ""Events"" \([^;]*""Json"" jsonb NOT NULL"), script);
    }

    [Fact]
    public async Task Startup_EmptyDirectory_CreatesAndMigratesSqliteFile()
    {
        await using var api = new RespondApiFixture();

        await api.GraphQLAsync("viewer", "{ viewer { id } }");

        Assert.True(File.Exists(api.DatabasePath));
    }
}
