using System.Data.Common;

namespace Respond.Server.Tests.Features.Audit;

/// <summary>
/// Unsealed audit entries written straight into the table, as units of work write them: copies of the last entry under
/// other actor names. The SQL runs on SQLite and PostgreSQL.
/// </summary>
internal static class AuditEntryCopies
{
    private const string Columns = """ "At", "ActorId", "ActorName", "Action", "SubjectType", "SubjectId", "Organizations", "Before", "After" """;

    /// <summary>One copy named <paramref name="actorName"/>; returns its id.</summary>
    public static async Task<long> InsertOneAsync(DbConnection connection, DbTransaction? transaction, string actorName, CancellationToken ct = default)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO "AuditEntries" ({Columns})
            SELECT "At", "ActorId", '{actorName}', "Action", "SubjectType", "SubjectId", "Organizations", "Before", "After"
            FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1
            RETURNING "Id"
            """;
        return (long)(await insert.ExecuteScalarAsync(ct))!;
    }

    /// <summary><paramref name="count"/> copies named "writer 1" to "writer <paramref name="count"/>", in that order.</summary>
    public static async Task InsertManyAsync(DbConnection connection, int count)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count})
            INSERT INTO "AuditEntries" ({Columns})
            SELECT last."At", last."ActorId", 'writer ' || n, last."Action", last."SubjectType", last."SubjectId", last."Organizations", last."Before", last."After"
            FROM (SELECT * FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1) AS last, g ORDER BY n
            """;
        Assert.Equal(count, await insert.ExecuteNonQueryAsync());
    }
}
