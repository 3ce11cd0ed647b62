using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Respond.Server.Persistence;

/// <summary>
/// Which server database a context runs on, told by its provider's name. EF's own <c>IsSqlServer()</c> and
/// <c>IsNpgsql()</c> load that provider's assembly to ask, so a server on SQLite would map SQL Server's and PostgreSQL's
/// providers (and Npgsql) for nothing: 2 MiB of idle memory (docs/performance.md, nineteenth session).
/// </summary>
public static class DatabaseFacadeProvider
{
    /// <summary>The name EF Core's SQL Server provider reports (its assembly's name).</summary>
    public const string SqlServerProviderName = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>The name Npgsql's EF Core provider reports (its assembly's name).</summary>
    public const string PostgreSqlProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static bool RunsOnSqlServer(this DatabaseFacade database) => database.ProviderName == SqlServerProviderName;

    public static bool RunsOnPostgreSql(this DatabaseFacade database) => database.ProviderName == PostgreSqlProviderName;
}
