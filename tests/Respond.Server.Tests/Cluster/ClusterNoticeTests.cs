using System.Collections.Concurrent;
using Npgsql;
using Respond.Server.Features.Cluster;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Cluster;

/// <summary>On PostgreSQL a committed change is announced with pg_notify in its own transaction, ids only (issue 13).</summary>
public sealed class ClusterNoticeTests
{
    private static async Task<(NpgsqlConnection Connection, ConcurrentQueue<string> Payloads)> ListenAsync(RespondApiFixture api)
    {
        await using (var first = await api.OpenDatabaseAsync()) { }
        var connection = (NpgsqlConnection)await api.OpenDatabaseAsync();
        var payloads = new ConcurrentQueue<string>();
        connection.Notification += (_, e) => payloads.Enqueue(e.Payload);
        await using var listen = new NpgsqlCommand($"LISTEN {ClusterNotice.Channel}", connection);
        await listen.ExecuteNonQueryAsync();
        return (connection, payloads);
    }

    private static async Task<List<ClusterNotice>> UntilAsync(NpgsqlConnection connection, ConcurrentQueue<string> payloads, Func<List<ClusterNotice>, bool> done)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var notices = payloads.Select(p => ClusterNotice.Parse(p)!).ToList();
            if (done(notices)) return notices;
            await connection.WaitAsync(TimeSpan.FromMilliseconds(500));
            limit.Token.ThrowIfCancellationRequested();
        }
    }

    [SkippableFact]
    public async Task SubmitNeedingApproval_AnnouncesTheRequestAndTheAction_IdsOnly()
    {
        await using var api = ActionScenario.Host(TestDatabase.PostgreSql);
        await api.ReadyAsync();
        var (connection, payloads) = await ListenAsync(api);
        await using var _ = connection;

        var submitted = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-9"));
        var requestId = submitted.Str("data.submitResponseAction.approvalRequest.id");
        var actionId = submitted.Str("data.submitResponseAction.responseAction.id");

        var notices = await UntilAsync(connection, payloads, n => n.Any(x => x.Kind == ClusterNoticeKind.ApprovalRequested) && n.Any(x => x.Kind == ClusterNoticeKind.ActionUpdated));
        Assert.Contains(notices, n => n.Kind == ClusterNoticeKind.ApprovalRequested && n.Id == requestId);
        Assert.Contains(notices, n => n.Kind == ClusterNoticeKind.ActionUpdated && n.Id == actionId);
        Assert.All(payloads, p => Assert.True(p.Length < 300, p));
    }
}
