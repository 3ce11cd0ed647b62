using Npgsql;

namespace Respond.Server.Tests;

/// <summary>The database provider a test host runs on: the provider matrix of the API tests.</summary>
public enum TestDatabase { Sqlite, PostgreSql }

/// <summary>
/// Throw-away PostgreSQL databases for the provider matrix, made on the server named by
/// <c>RESPOND_TEST_POSTGRES</c> (a connection string whose role may create databases; .ci/run sets it).
/// Without it the PostgreSQL half is skipped locally and fails under CI (<c>CI=true</c>): CI never passes
/// by skipping.
/// </summary>
public static class PostgreSqlTestServer
{
    public const string Variable = "RESPOND_TEST_POSTGRES";

    private static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips (locally) or fails (CI) the calling test when no PostgreSQL server is configured.</summary>
    public static void Require()
    {
        if (Configured is not null) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new Xunit.Sdk.XunitException($"{Variable} is not set: under CI the PostgreSQL half of the provider matrix must run (.ci/run starts PostgreSQL and sets it).");
        Skip.If(true, $"PostgreSQL provider matrix: set {Variable}=Host=...;Username=...;Password=... to run it (see .ci/run).");
    }

    /// <summary>Creates an empty database and returns the connection string to it.</summary>
    public static string CreateDatabase()
    {
        Require();
        var name = "respond_test_" + Guid.NewGuid().ToString("N");
        using (var admin = new NpgsqlConnection(Configured))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Configured) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing the connections still open to it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var admin = new NpgsqlConnection(Configured);
        await admin.OpenAsync();
        await using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }
}
