using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Persistence;

/// <summary>
/// A server on SQLite maps only what it uses: not SQL Server's or PostgreSQL's provider, not Npgsql, not the mail client
/// (no SMTP server configured). Each of those took idle memory for nothing (docs/performance.md, nineteenth session).
/// </summary>
public sealed class ProviderAssembliesTests
{
    private static readonly string[] Unused =
    [
        "Microsoft.EntityFrameworkCore.SqlServer.dll", "Microsoft.Data.SqlClient.dll", "Npgsql.EntityFrameworkCore.PostgreSQL.dll", "Npgsql.dll",
        "MailKit.dll", "MimeKit.dll",
    ];

    [Fact]
    public async Task ServerOnSqlite_AfterIngestingAndRaisingAnAlert_HasLoadedNoOtherDatabaseProviderAndNoMailClient()
    {
        var directory = Directory.CreateTempSubdirectory("respond-assemblies-").FullName;
        await using var server = await RespondServerProcess.StartAsync(directory);
        using var http = await server.ClientAsync();
        await RespondServerProcess.GraphQLAsync(http, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
        await RespondServerProcess.CreateActiveRuleAsync(http, "process", EventLogCrashTests.MatchRule);

        await using var subscriber = await GraphQLWebSocketClient.ConnectAsync(server.BaseAddress.ToString(), http.DefaultRequestHeaders.Authorization!.Parameter!);
        await subscriber.SubscribeAsync("alerts", "subscription { alertRaised { title } }");

        var time = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var events = JsonSerializer.Serialize(new[] { new { id = "e-1", organizationId = "org-a", source = "edr", type = "process.started", severity = "HIGH", time, device = new { id = "dev-1" } } });
        (await http.PostAsync("api/events", new StringContent(events, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        // The alert proves the whole path ran: the append, the evaluator's unit with its checkpoint, the alert's save.
        var raised = await subscriber.NextAsync("alerts", seconds: 60);
        Assert.Equal("Process on dev-1", raised["alertRaised"]!["title"]!.GetValue<string>());

        var mapped = File.ReadAllLines($"/proc/{server.ProcessId}/maps").Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())).ToHashSet();
        Assert.Contains("Microsoft.Data.Sqlite.dll", mapped); // the mappings read are the server's
        Assert.Equal([], Unused.Where(mapped.Contains).ToArray());
    }

    /// <summary>Which database a context runs on is told right for each provider, without asking the provider's assembly.</summary>
    [Fact]
    public void RunsOn_TellsEachProviderApart()
    {
        using var sqlServer = new DbContext(new DbContextOptionsBuilder().UseSqlServer("Server=unused").Options);
        using var postgreSql = new DbContext(new DbContextOptionsBuilder().UseNpgsql("Host=unused").Options);
        using var sqlite = new DbContext(new DbContextOptionsBuilder().UseSqlite("Data Source=unused.db").Options);

        Assert.Equal((true, false), (sqlServer.Database.RunsOnSqlServer(), sqlServer.Database.RunsOnPostgreSql()));
        Assert.Equal((false, true), (postgreSql.Database.RunsOnSqlServer(), postgreSql.Database.RunsOnPostgreSql()));
        Assert.Equal((false, false), (sqlite.Database.RunsOnSqlServer(), sqlite.Database.RunsOnPostgreSql()));
    }
}
