using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// Delivers the outbox at least once: due messages are claimed (a lease on the row, so two nodes never send the same
/// attempt and a node that dies mid-attempt hands the message over when the lease ends), posted with the Standard
/// Webhooks headers through the guarded outbound client (no loopback, private or metadata address unless allowed),
/// and each attempt is logged. A failure is retried with doubling delays; a message that fails
/// <see cref="WebhookOptions.MaxAttempts"/> times is given up, and a subscription whose messages are given up
/// <see cref="WebhookOptions.DisableAfterFailedMessages"/> times in a row is disabled, audited and alerted on.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    WebhookSecrets secrets,
    WebhookSignal signal,
    WebhookSubscriptionCache subscriptions,
    Messaging.RespondEvents events,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int Batch = 20;
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    /// <summary>Raised once an attempt and everything it changed are saved (a test seam: tests wait on it, not on time).</summary>
    internal event Action? AttemptSaved;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int delivered;
            try
            {
                delivered = await DeliverDueAsync(stoppingToken);
                await CleanUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                WebhooksLog.DispatchFailed(logger, ex);
                delivered = 0;
            }
            if (delivered == Batch) continue;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await Task.WhenAny(signal.WaitAsync(wait.Token), Task.Delay(options.Value.PollInterval, time, wait.Token));
            }
            finally
            {
                await wait.CancelAsync();
            }
        }
    }

    /// <summary>One pass: claims and delivers up to a batch of due messages; returns how many it attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        List<string> due;
        var now = time.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            due = await db.Set<WebhookMessage>().AsNoTracking()
                .Where(m => m.Status == WebhookMessageStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
                .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(Batch).ToListAsync(ct);
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (id, c) => await AttemptAsync(id, c));
        return due.Count;
    }

    private async Task AttemptAsync(string messageId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var now = time.GetUtcNow();
        // Twice the attempt's own limit: the send is bounded by it, the bookkeeping after it is short.
        var lease = now + 2 * options.Value.AttemptTimeout;
        // The claim: only one node (or pass) moves the lease forward; the others find nothing to update.
        var claimed = await db.Set<WebhookMessage>()
            .Where(m => m.Id == messageId && m.Status == WebhookMessageStatus.Pending && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, lease), ct);
        if (claimed == 0) return;
        var message = await db.Set<WebhookMessage>().SingleAsync(m => m.Id == messageId, ct);
        var subscription = await db.Set<WebhookSubscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == message.SubscriptionId, ct);
        if (subscription is not { Enabled: true })
        {
            message.Status = WebhookMessageStatus.Failed;
            message.LastError = subscription is null ? "The subscription was deleted." : "The subscription is disabled.";
            message.LockedUntil = null;
            await db.SaveChangesAsync(ct);
            return;
        }

        var (status, error, elapsed) = await PostAsync(subscription, message, now, ct);
        message.Attempts++;
        message.LastStatusCode = status;
        message.LastError = error;
        message.LockedUntil = null;
        db.Set<WebhookAttempt>().Add(new WebhookAttempt
        {
            MessageId = message.Id,
            SubscriptionId = subscription.Id,
            At = now,
            StatusCode = status,
            Error = error,
            DurationMs = (int)elapsed.TotalMilliseconds,
        });
        var ok = error is null;
        if (ok)
        {
            message.Status = WebhookMessageStatus.Delivered;
            message.DeliveredAt = time.GetUtcNow();
        }
        else if (message.Attempts >= options.Value.MaxAttempts) message.Status = WebhookMessageStatus.Failed;
        else message.NextAttemptAt = time.GetUtcNow() + options.Value.RetryDelay(message.Attempts);
        await db.SaveChangesAsync(ct);

        if (ok && subscription.ConsecutiveFailures > 0)
            await db.Set<WebhookSubscription>().Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsecutiveFailures, 0), ct);
        if (message.Status == WebhookMessageStatus.Failed) await GaveUpAsync(db, subscription, message, ct);
        if (ok) WebhooksLog.Delivered(logger, message.Id, message.EventType, subscription.Id, message.Attempts);
        else WebhooksLog.AttemptFailed(logger, message.Id, subscription.Id, message.Attempts, error!);
        AttemptSaved?.Invoke();
    }

    private async Task<(int? Status, string? Error, TimeSpan Elapsed)> PostAsync(WebhookSubscription subscription, WebhookMessage message, DateTimeOffset at, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var http = clients.CreateClient(OutboundFeature.ClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
            {
                Content = new StringContent(message.PayloadJson, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", message.Id);
            request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", secrets.Sign(subscription, message.Id, at, message.PayloadJson));
            request.Headers.UserAgent.ParseAdd("Respond-Webhooks/1");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.AttemptTimeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return (code, response.IsSuccessStatusCode ? null : $"The receiver answered {code} {response.ReasonPhrase}.", Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {options.Value.AttemptTimeout.TotalSeconds:0} s.", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is HttpRequestException or OutboundAddressRefusedException)
        {
            // The address guard refuses inside the connection callback, so its refusal usually arrives wrapped by HttpClient.
            var reason = (ex as OutboundAddressRefusedException ?? ex.InnerException as OutboundAddressRefusedException)?.Message ?? ex.Message;
            return (null, reason.Length > 1000 ? reason[..1000] : reason, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>A message was given up: count it against the subscription, and disable it when they keep failing.</summary>
    private async Task GaveUpAsync(RespondDbContext db, WebhookSubscription subscription, WebhookMessage message, CancellationToken ct)
    {
        await db.Set<WebhookSubscription>().Where(s => s.Id == subscription.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + 1), ct);
        var limit = options.Value.DisableAfterFailedMessages;
        var reason = $"Disabled after {limit} messages in a row could not be delivered; the last: {message.LastError}";
        // Only the save that flips Enabled disables (and alerts): a racing node finds it disabled already.
        var disabled = await db.Set<WebhookSubscription>().Where(s => s.Id == subscription.Id && s.Enabled && s.ConsecutiveFailures >= limit)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Enabled, false).SetProperty(x => x.DisabledReason, reason.Length > 500 ? reason[..500] : reason)
                .SetProperty(x => x.Version, x => x.Version + 1), ct);
        if (disabled == 0) return;
        subscriptions.Invalidate();
        var organizations = subscription.OrganizationId is { } org ? new[] { org } : [RespondPrincipal.AllOrganizations];
        new AuditTrail(db, time).Record(RespondPrincipal.System, "webhook.disabled", "WebhookSubscription", subscription.Id, organizations,
            new { Enabled = true }, new { Enabled = false, Reason = reason });
        Alert? alert = null;
        if (subscription.OrganizationId is { } organizationId)
        {
            alert = SystemAlerts.Create(SystemAlerts.WebhooksRule, "Respond: webhook delivery", organizationId,
                $"Webhook to {new Uri(subscription.Url).Host} disabled: {limit} messages in a row could not be delivered", Workflows.Severity.High, subscription.Id,
                new { webhookSubscriptionId = subscription.Id, subscription.Url, lastError = message.LastError }, time.GetUtcNow());
            db.Alerts.Add(alert);
        }
        await db.SaveChangesAsync(ct);
        if (alert is not null) events.Publish(alert);
        WebhooksLog.SubscriptionDisabled(logger, subscription.Id, limit);
    }

    /// <summary>Hourly: delivered and given-up messages, and their attempts, older than the retention go.</summary>
    private async Task CleanUpAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _lastCleanup < TimeSpan.FromHours(1)) return;
        _lastCleanup = now;
        var before = now - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var old = db.Set<WebhookMessage>().Where(m => m.Status != WebhookMessageStatus.Pending && m.CreatedAt < before);
        await db.Set<WebhookAttempt>().Where(a => old.Select(m => m.Id).Contains(a.MessageId)).ExecuteDeleteAsync(ct);
        await old.ExecuteDeleteAsync(ct);
    }
}

/// <summary>The alerts Respond raises about its webhooks (not from a rule): their rule id and name.</summary>
internal static partial class WebhooksLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook message {MessageId} ({EventType}) delivered to subscription {SubscriptionId} on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string messageId, string eventType, string subscriptionId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook message {MessageId} to subscription {SubscriptionId}: attempt {Attempt} failed: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string messageId, string subscriptionId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook subscription {SubscriptionId} disabled after {Failures} messages in a row could not be delivered")]
    public static partial void SubscriptionDisabled(ILogger logger, string subscriptionId, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatch failed; it tries again at its next pass")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);
}
