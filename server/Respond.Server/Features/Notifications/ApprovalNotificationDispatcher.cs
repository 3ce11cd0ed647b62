using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// Sends the notification outbox after the commit: claims due rows with a lease (several nodes share the table), sends
/// each through <see cref="ApprovalNotificationSender"/>, and retries what failed with doubling delays until
/// <see cref="NotificationOptions.MaxAttempts"/>. A failure never reaches the approval: it is logged and retried. Each pass
/// also brings posted Slack messages up to date with their requests (<see cref="PostedSlackMessageUpdater"/>).
/// </summary>
public sealed class ApprovalNotificationDispatcher(IServiceScopeFactory scopes, PostedSlackMessageUpdater slackMessages, IOptions<NotificationOptions> options,
    TimeProvider time, ILogger<ApprovalNotificationDispatcher> logger)
    : BackgroundService
{
    private const int Batch = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // A full batch of either means more may be due at once: the next pass runs without waiting.
            var full = false;
            try
            {
                full = await SendDueAsync(stoppingToken) >= Batch;
                full |= await slackMessages.UpdateDueAsync(stoppingToken) >= PostedSlackMessageUpdater.Batch;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                NotificationsLog.DispatchFailed(logger, e);
            }
            if (!full)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass over what is due; returns how many notifications it claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<ApprovalNotification>().AsNoTracking()
                .Where(n => n.Status == ApprovalNotificationStatus.Pending && n.NextAttemptAt <= now && (n.LockedUntil == null || n.LockedUntil < now))
                .OrderBy(n => n.NextAttemptAt).Select(n => n.Id).Take(Batch).ToListAsync(ct);
        }
        foreach (var id in due) await SendOneAsync(id, ct);
        return due.Count;
    }

    private async Task SendOneAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var now = time.GetUtcNow();
        var leaseUntil = now + options.Value.Lease;
        var claimed = await db.Set<ApprovalNotification>()
            .Where(n => n.Id == id && n.Status == ApprovalNotificationStatus.Pending && (n.LockedUntil == null || n.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, leaseUntil), ct);
        if (claimed == 0) return;
        var notification = await db.Set<ApprovalNotification>().SingleAsync(n => n.Id == id, ct);

        var failures = await scope.ServiceProvider.GetRequiredService<ApprovalNotificationSender>().SendAsync(notification, ct);
        notification.Attempts++;
        notification.LockedUntil = null;
        if (failures.Count == 0)
        {
            notification.Status = ApprovalNotificationStatus.Sent;
            notification.LastError = null;
        }
        else
        {
            notification.LastError = Truncate(string.Join("; ", failures), 1000);
            if (notification.Attempts >= options.Value.MaxAttempts)
            {
                notification.Status = ApprovalNotificationStatus.Failed;
                NotificationsLog.GivenUp(logger, notification.Id, notification.ApprovalRequestId, notification.Attempts, notification.LastError);
            }
            else
            {
                notification.NextAttemptAt = time.GetUtcNow() + options.Value.RetryDelay(notification.Attempts);
                NotificationsLog.WillRetry(logger, notification.Id, notification.ApprovalRequestId, notification.Attempts, notification.LastError);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
