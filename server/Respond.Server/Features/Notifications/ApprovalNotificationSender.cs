using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Chat;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// Sends one notification: to the organization's Slack channel (mentioning the people it is for who asked to be
/// mentioned) and Teams channel, and to each person it is for by Slack direct message and mail as their preferences say.
/// Who it is for: the notice's group (level 0: the request's approvers, or every Approver; a step: that step's group),
/// people of the organization, never anyone dual control bars from deciding. Returns the deliveries that failed. Each
/// Slack message posted is remembered (<see cref="PostedSlackMessage"/>, saved with the notification) so that it can
/// follow the request.
/// </summary>
internal sealed class ApprovalNotificationSender(
    RespondDbContext db, ApprovalEvidenceReader evidenceReader, SlackClient slack, TeamsClient teams, ApprovalMailer mailer, TimeProvider time,
    ILogger<ApprovalNotificationSender> logger)
{
    private sealed record Recipient(UserAccount User, NotificationPreferences Preferences, SlackUserLink? SlackLink);

    public async Task<List<string>> SendAsync(ApprovalNotification notification, CancellationToken ct)
    {
        var request = await db.ApprovalRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == notification.ApprovalRequestId, ct);
        if (request is not { Status: ApprovalStatus.Pending }) return []; // decided or expired meanwhile: nobody needs asking
        var evidence = await evidenceReader.ReadAsync(request, ct);
        var recipients = await RecipientsAsync(request, notification.Level, ct);
        var slackIntegration = await db.Set<SlackIntegration>().AsNoTracking().SingleOrDefaultAsync(s => s.OrganizationId == request.OrganizationId, ct);
        var teamsIntegration = await db.Set<TeamsIntegration>().AsNoTracking().SingleOrDefaultAsync(t => t.OrganizationId == request.OrganizationId, ct);

        var deliveries = new List<(string Key, Func<Task> Send)>();
        if (slackIntegration is not null)
        {
            var mentions = recipients.Where(r => r.Preferences.SlackChannelMention && r.SlackLink is not null).Select(r => r.SlackLink!.SlackUserId).ToList();
            async Task PostAsync(string channel, IReadOnlyList<string> mentionsOf)
            {
                if (await slack.PostMessageAsync(slackIntegration, SlackApprovalMessage.Build(channel, evidence, mentionsOf), ct) is not { } posted) return;
                var now = time.GetUtcNow();
                db.Add(new PostedSlackMessage
                {
                    Id = Guid.NewGuid().ToString("N"),
                    ApprovalRequestId = request.Id,
                    OrganizationId = request.OrganizationId,
                    Channel = posted.Channel,
                    Ts = posted.Ts,
                    Mentions = [.. mentionsOf],
                    ShownVersion = request.Version,
                    NextAttemptAt = now,
                    PostedAt = now,
                });
            }
            deliveries.Add(("slack:channel", () => PostAsync(slackIntegration.ChannelId, mentions)));
            foreach (var r in recipients.Where(r => r.Preferences.SlackDirectMessage && r.SlackLink is not null))
                deliveries.Add(($"slack:dm:{r.SlackLink!.SlackUserId}", () => PostAsync(r.SlackLink.SlackUserId, [])));
        }
        if (teamsIntegration is not null) deliveries.Add(("teams", () => teams.PostAsync(teamsIntegration, TeamsApprovalCard.Build(evidence), ct)));
        if (mailer.Enabled)
            foreach (var r in recipients.Where(r => r.Preferences.Email && r.Preferences.EmailAddress is not null))
                deliveries.Add(($"email:{r.User.Id}", () => mailer.SendAsync(evidence, r.Preferences.EmailAddress!, ct)));

        var failures = new List<string>();
        foreach (var (key, send) in deliveries.Where(d => !notification.Delivered.Contains(d.Key)))
        {
            try
            {
                await send();
                notification.Delivered = [.. notification.Delivered, key];
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                NotificationsLog.DeliveryFailed(logger, e, key, notification.Id);
                failures.Add($"{key}: {e.GetType().Name}");
            }
        }
        return failures;
    }

    private async Task<List<Recipient>> RecipientsAsync(ApprovalRequest request, int level, CancellationToken ct)
    {
        var group = request.Notices.FirstOrDefault(n => n.Level == level)?.Recipients ?? [];
        var users = (await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).ToListAsync(ct))
            .Where(u => (u.Organizations.Contains(request.OrganizationId) || u.Organizations.Contains(RespondPrincipal.AllOrganizations))
                && (group.Contains(u.Id) || group.Contains(u.UserName) || u.Roles.Any(group.Contains))
                && !request.IsBarredFromDeciding(u.Id))
            .ToList();
        var ids = users.Select(u => u.Id).ToList();
        var preferences = await db.Set<NotificationPreferences>().AsNoTracking().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, ct);
        var links = (await db.Set<SlackUserLink>().AsNoTracking().Where(l => ids.Contains(l.UserId) && l.OrganizationId == request.OrganizationId).ToListAsync(ct))
            .GroupBy(l => l.UserId).ToDictionary(g => g.Key, g => g.First());
        return users.Select(u => new Recipient(u, preferences.GetValueOrDefault(u.Id) ?? NotificationPreferences.Defaults(u.Id), links.GetValueOrDefault(u.Id)))
            .Where(r => level == 0 ? r.Preferences.RequestsICanDecide : r.Preferences.EscalationsToMe)
            .ToList();
    }
}
