using System.Data.Common;
using Microsoft.AspNetCore.Http;
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
        await using var api = ActionScenario.Host().WithServices(s => s.AddHttpContextAccessor()
            .AddSingleton<IInterceptor>(sp => pages.Watching(sp.GetRequiredService<IHttpContextAccessor>())));
        await api.ReadyAsync();
        await using (var connection = await api.OpenDatabaseAsync())
            await AuditEntryCopies.InsertManyAsync(connection, AuditExport.PageSize + 500);
        using var http = await api.ClientAsAsync("admin");

        using var response = await http.GetAsync($"/api/audit/export?format={format}", HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        var start = new char[4096]; // well inside the first page's 1,000 entries
        var read = 0;
        while (read < start.Length && await body.ReadAsync(start.AsMemory(read)) is var n and > 0) read += n;
        pages.ClientHasTheFirstPage();
        var whole = new string(start, 0, read) + await body.ReadToEndAsync();

        Assert.True(pages.SecondPageWaitedForTheClient, "The export had sent nothing of its first page when it read the next: it was not streamed.");
        Assert.Contains($"writer {AuditExport.PageSize + 500}", whole); // and the last entry still came
    }

    /// <summary>
    /// At the export's second page read: if the response has started (the first page is on its way), holds the read until
    /// the test has received the beginning of it. A response not started yet means the export is buffered; waiting then
    /// would only deadlock, so it is noted and the read goes on.
    /// </summary>
    private sealed class SecondPageWaitsForTheClient : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _clientHasTheFirstPage = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IHttpContextAccessor? _requests;
        private int _pageReads;

        public bool SecondPageWaitedForTheClient { get; private set; }

        public SecondPageWaitsForTheClient Watching(IHttpContextAccessor requests)
        {
            _requests = requests;
            return this;
        }

        public void ClientHasTheFirstPage() => _clientHasTheFirstPage.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            var sql = command.CommandText;
            if (sql.Contains("FROM \"AuditEntries\"") && sql.Contains("\"ChainPosition\" >") && sql.Contains("\"ChainPosition\" <=") && Interlocked.Increment(ref _pageReads) == 2
                && _requests?.HttpContext?.Response.HasStarted == true)
            {
                await _clientHasTheFirstPage.Task.WaitAsync(cancellationToken);
                SecondPageWaitedForTheClient = true;
            }
            return result;
        }
    }
}
