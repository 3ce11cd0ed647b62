using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Audit;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Audit;

/// <summary>An export of up to 100,000 entries streams out a page at a time instead of being built whole in memory.</summary>
public sealed class AuditExportStreamingTests
{
    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Export_LongerThanAPage_TheClientHasTheFirstPageBeforeTheServerReadsTheNext(string format)
    {
        var pages = new SecondPageWaitsForTheClient();
        await using var api = ActionScenario.Host().WithServices(s => s.AddSingleton<IInterceptor>(pages));
        await api.ReadyAsync();
        await using (var connection = await api.OpenDatabaseAsync())
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"""
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {AuditExport.PageSize + 500})
                INSERT INTO "AuditEntries" ("At", "ActorId", "ActorName", "Action", "SubjectType", "SubjectId", "Organizations", "Before", "After")
                SELECT last."At", last."ActorId", 'writer ' || n, last."Action", last."SubjectType", last."SubjectId", last."Organizations", last."Before", last."After"
                FROM (SELECT * FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1) AS last, g
                """;
            Assert.Equal(AuditExport.PageSize + 500, await insert.ExecuteNonQueryAsync());
        }
        using var http = await api.ClientAsAsync("admin");

        using var response = await http.GetAsync($"/api/audit/export?format={format}", HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        var start = new char[4096]; // well inside the first page's 1,000 entries
        var read = 0;
        while (read < start.Length && await body.ReadAsync(start.AsMemory(read)) is var n and > 0) read += n;
        pages.ClientHasTheFirstPage();
        var whole = new string(start, 0, read) + await body.ReadToEndAsync();

        Assert.True(pages.SecondPageWaitedForTheClient, "The server read the next page before the client had any of the first: the export was not streamed.");
        Assert.Contains($"writer {AuditExport.PageSize + 500}", whole); // and the last entry still came
    }

    /// <summary>Holds the export's second page read until the test has received the beginning of the response.</summary>
    private sealed class SecondPageWaitsForTheClient : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _clientHasTheFirstPage = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pageReads;

        public bool SecondPageWaitedForTheClient { get; private set; }

        public void ClientHasTheFirstPage() => _clientHasTheFirstPage.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            var sql = command.CommandText;
            if (sql.Contains("FROM \"AuditEntries\"") && sql.Contains("\"ChainPosition\" >") && sql.Contains("\"ChainPosition\" <=") && Interlocked.Increment(ref _pageReads) == 2)
            {
                // A server that buffers the whole export never lets the client have the first page: give up after a while.
                var first = await Task.WhenAny(_clientHasTheFirstPage.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
                SecondPageWaitedForTheClient = first == _clientHasTheFirstPage.Task;
            }
            return result;
        }
    }
}
