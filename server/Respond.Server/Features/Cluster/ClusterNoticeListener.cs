using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Engine;
using Respond.Server.Messaging;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Cluster;

/// <summary>
/// On PostgreSQL, one dedicated connection per node that <c>LISTEN</c>s on <see cref="ClusterNotice.Channel"/>. A notice
/// from another node is loaded from the database and published on this node's <see cref="RespondEvents"/> (GraphQL
/// subscribers see what any node did) or, for a rule, reloads it in this node's rule index. The node's own notices are
/// skipped: its code published them already. Agent commands relayed between nodes travel the same way (ids only). A lost connection is opened again after a second; what was committed
/// while it was down is not announced again (docs/scale-out.md says what a subscriber misses).
/// </summary>
public sealed class ClusterNoticeListener(
    PartitionOwnership node,
    IServiceScopeFactory scopes,
    IServiceProvider services,
    RespondEvents events,
    RuleIndex rules,
    TimeProvider time,
    ILogger<ClusterNoticeListener> logger) : BackgroundService
{
    private readonly Channel<ClusterNotice> _received = Channel.CreateUnbounded<ClusterNotice>(new UnboundedChannelOptions { SingleReader = true });
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the listening connection is open (again): tests and start-up wait for it.</summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            connectionString = node.Clustered && db.Database.RunsOnPostgreSql() ? db.Database.GetConnectionString() : null;
        }
        if (connectionString is null) return;
        var publishing = PublishAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception ex)
            {
                if (Listening.IsCompleted) Interlocked.Exchange(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                ClusterLog.ListenerLost(logger, ex);
                try { await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken); }
                catch (OperationCanceledException) { }
            }
        }
        _received.Writer.TryComplete();
        await publishing;
    }

    /// <summary>
    /// One listening connection until it fails or the node stops. Npgsql is used here only, so a node on SQLite, which
    /// never calls this, does not load it.
    /// </summary>
    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (ClusterNotice.Parse(e.Payload) is { } notice && notice.Origin != node.NodeId) _received.Writer.TryWrite(notice);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterNotice.Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
        Volatile.Read(ref _listening).TrySetResult();
        ClusterLog.Listening(logger);
        while (true) await connection.WaitAsync(stoppingToken);
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var notice in _received.Reader.ReadAllAsync(ct))
            {
                try { await PublishAsync(notice, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException) { ClusterLog.NoticeFailed(logger, notice.Kind.ToString(), notice.Id, ex); }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task PublishAsync(ClusterNotice notice, CancellationToken ct)
    {
        switch (notice.Kind)
        {
            case ClusterNoticeKind.RuleChanged:
                await rules.RuleChangedAsync(notice.Id, ct);
                return;
            case ClusterNoticeKind.AgentCommandRelayed:
                services.GetRequiredService<Connectors.Agents.AgentCommandRelay>().Deliver(notice.Id, ct);
                return;
            case ClusterNoticeKind.AgentCommandAnswered:
                services.GetRequiredService<Connectors.Agents.AgentCommandRelay>().Answered(notice.Id);
                return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        object? message = notice.Kind switch
        {
            ClusterNoticeKind.AlertRaised => await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == notice.Id, ct),
            ClusterNoticeKind.ApprovalRequested => await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == notice.Id, ct) is { } opened
                ? new ApprovalRequested(opened) : null,
            ClusterNoticeKind.ApprovalDecided => await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == notice.Id, ct) is { } decided
                ? new ApprovalDecided(decided) : null,
            ClusterNoticeKind.ActionUpdated => await db.ResponseActions.AsNoTracking().SingleOrDefaultAsync(a => a.Id == notice.Id, ct) is { } action
                ? new ResponseActionUpdated(action) : null,
            ClusterNoticeKind.AuditAppended => long.TryParse(notice.Id, System.Globalization.CultureInfo.InvariantCulture, out var id)
                ? await db.AuditEntries.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null,
            _ => null,
        };
        if (message is not null) events.PublishFromAnotherNode(message);
    }
}

internal static partial class ClusterLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for the other nodes' changes")]
    public static partial void Listening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection listening for the other nodes' changes was lost; opening it again (changes committed meanwhile are not announced)")]
    public static partial void ListenerLost(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing another node's change {Kind} {Id} failed")]
    public static partial void NoticeFailed(ILogger logger, string kind, string id, Exception exception);
}
