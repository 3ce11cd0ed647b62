using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Audit;

/// <summary>
/// Units of work go on writing audit entries while an export or a verification runs. One written between the seal and
/// the read has no hash yet: it belongs to the next export or verification, not in this one as an unhashed row or an
/// "edited" entry.
/// </summary>
public sealed class AuditSealHeadTests
{
    [Fact]
    public async Task CsvExport_EntryWrittenBetweenTheSealAndTheRead_LeftForTheNextExport()
    {
        var late = new LateAuditEntry();
        await using var api = ActionScenario.Host().WithServices(s => s.AddSingleton<IInterceptor>(late));
        await api.ReadyAsync();
        using var http = await api.ClientAsAsync("admin");

        late.Arm();
        var first = Rows(await http.GetStringAsync("/api/audit/export?format=csv"));
        Assert.True(late.Written, "The interceptor never saw the export's read.");
        Assert.All(first, row => Assert.Matches("\"[0-9a-f]{64}\"$", row));
        Assert.DoesNotContain(first, row => row.Contains(LateAuditEntry.ActorName));

        var second = Rows(await http.GetStringAsync("/api/audit/export?format=csv"));
        var written = Assert.Single(second, row => row.Contains(LateAuditEntry.ActorName));
        Assert.Matches("\"[0-9a-f]{64}\"$", written);
    }

    [Fact]
    public async Task VerifyAuditTrail_EntryWrittenBetweenTheSealAndTheRead_NotReportedAsEdited()
    {
        var late = new LateAuditEntry();
        await using var api = ActionScenario.Host().WithServices(s => s.AddSingleton<IInterceptor>(late));
        await api.ReadyAsync();

        late.Arm();
        var during = await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid checkedEntries brokenEntries { entryId reason } } }");
        Assert.True(late.Written, "The interceptor never saw the verification's read.");
        Assert.True(during.At("data.verifyAuditTrail.valid").GetValue<bool>(), during.ToJsonString());

        var after = await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid checkedEntries } }");
        Assert.True(after.At("data.verifyAuditTrail.valid").GetValue<bool>(), after.ToJsonString());
        Assert.True(after.At("data.verifyAuditTrail.checkedEntries").GetValue<int>() > during.At("data.verifyAuditTrail.checkedEntries").GetValue<int>());
    }

    private static string[] Rows(string csv) => csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..];

    /// <summary>
    /// Once armed, writes one unsealed entry (a copy of the last, under another actor name) just before the next read of
    /// the audit trail that is not the sealer's own: a unit of work committing between the seal and the read.
    /// </summary>
    private sealed class LateAuditEntry : DbCommandInterceptor
    {
        public const string ActorName = "late writer";
        private int _armed;

        public bool Written { get; private set; }

        public void Arm() => Interlocked.Exchange(ref _armed, 1);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"AuditEntries\"") && !IsTheSealers(command.CommandText) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await AuditEntryCopies.InsertOneAsync(command.Connection!, command.Transaction, ActorName, cancellationToken);
                Written = true;
            }
            return result;
        }

        /// <summary>The sealer reads the chain's head (the last entry with a position) and the entries without one.</summary>
        private static bool IsTheSealers(string sql) => sql.Contains("\"ChainPosition\" IS ");
    }
}
