using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Chat;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// Brings posted Slack messages up to date with their requests (run by <see cref="ApprovalNotificationDispatcher"/>'s
/// loop): a message whose request changed since it was written (an approval counted towards a quorum, a decision made in
/// Slack, the designer or the API, an expiry) is rewritten with <c>chat.update</c>; once the request has ended the message
/// says how and has no Approve or Reject button, so nobody clicks a request that is already decided. Claimed with a lease
/// (several nodes share the table) and retried with the notifications' doubling delays; a message Slack keeps refusing is
/// given up after <see cref="NotificationOptions.MaxAttempts"/> (logged; its buttons then answer that the request is decided).
/// </summary>
public sealed class PostedSlackMessageUpdater(IServiceScopeFactory scopes, SlackClient slack, IOptions<NotificationOptions> options, TimeProvider time,
    ILogger<PostedSlackMessageUpdater> logger)
{
    /// <summary>Messages claimed per pass at most.</summary>
    public const int Batch = 20;

    /// <summary>One pass over the messages that are behind their request and due; returns how many it claimed.</summary>
    public async Task<int> UpdateDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            due = await (from m in db.Set<PostedSlackMessage>()
                         where !m.Final && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now)
                         join r in db.ApprovalRequests on m.ApprovalRequestId equals r.Id
                         where r.Version != m.ShownVersion
                         orderby m.NextAttemptAt
                         select m.Id).Take(Batch).ToListAsync(ct);
        }
        foreach (var id in due) await UpdateOneAsync(id, ct);
        return due.Count;
    }

    private async Task UpdateOneAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var now = time.GetUtcNow();
        var leaseUntil = now + options.Value.Lease;
        var claimed = await db.Set<PostedSlackMessage>()
            .Where(m => m.Id == id && !m.Final && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, leaseUntil), ct);
        if (claimed == 0) return;
        var message = await db.Set<PostedSlackMessage>().SingleAsync(m => m.Id == id, ct);
        var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == message.ApprovalRequestId, ct);
        var integration = await db.Set<SlackIntegration>().AsNoTracking().SingleOrDefaultAsync(s => s.OrganizationId == message.OrganizationId, ct);
        message.LockedUntil = null;
        if (request is null || integration is null)
        {
            // The organization removed its Slack app (its token with it), or the request is gone: nothing can update it.
            message.Final = true;
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        try
        {
            var evidence = await scope.ServiceProvider.GetRequiredService<ApprovalEvidenceReader>().ReadAsync(request, ct);
            var ended = request.Status == ApprovalStatus.Pending ? null : await OutcomeAsync(request, scope.ServiceProvider.GetRequiredService<PrincipalNames>(), ct);
            await slack.UpdateMessageAsync(integration, new SlackMessageRef(message.Channel, message.Ts),
                SlackApprovalMessage.Build(message.Channel, evidence, message.Mentions, ended), ct);
            message.ShownVersion = request.Version;
            message.Final = ended is not null;
            message.Attempts = 0;
            message.LastError = null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            message.Attempts++;
            message.LastError = e.Message.Length <= 1000 ? e.Message : e.Message[..1000];
            if (message.Attempts >= options.Value.MaxAttempts)
            {
                message.Final = true;
                NotificationsLog.SlackUpdateGivenUp(logger, message.Channel, message.Ts, message.ApprovalRequestId, message.Attempts, message.LastError);
            }
            else
            {
                message.NextAttemptAt = time.GetUtcNow() + options.Value.RetryDelay(message.Attempts);
                NotificationsLog.SlackUpdateWillRetry(logger, message.Channel, message.Ts, message.ApprovalRequestId, message.Attempts, message.LastError);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>How the request ended: who approved (each approver of a quorum) or rejected it, and when.</summary>
    private static async Task<SlackApprovalOutcome> OutcomeAsync(ApprovalRequest request, PrincipalNames names, CancellationToken ct)
    {
        IReadOnlyList<string> by = request.Status switch
        {
            ApprovalStatus.Approved => request.Decisions.Where(d => d.Outcome == ApprovalStatus.Approved).Select(d => d.By).ToList() is { Count: > 0 } voters
                ? voters : request.DecidedBy is { } approver ? [approver] : [],
            ApprovalStatus.Rejected => request.DecidedBy is { } rejecter ? [rejecter] : [],
            _ => [],
        };
        return new SlackApprovalOutcome(request.Status, by.Count > 0 ? await names.NamesAsync(by, ct) : [], request.DecidedAt);
    }
}
