using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>updateNotificationPreferences: a person changes their own preferences (nobody else's; API clients have none).</summary>
internal sealed class UpdateNotificationPreferences(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<NotificationPreferencesPayload> ExecuteAsync(UpdateNotificationPreferencesInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == by.Id, ct))
            return new(null, [new UserError(UserErrorCode.Forbidden, "Only a person signed in to Respond has notification preferences, not an API client.", "email")]);
        if (input.EmailAddress is { Length: > 0 } address && (address.Length > 254 || !MimeKit.MailboxAddress.TryParse(address, out var parsed) || parsed.Address != address || !address.Contains('@')))
            return new(null, [new UserError(UserErrorCode.Validation, "emailAddress: one address such as ann@example.com, at most 254 characters.", "emailAddress")]);
        var preferences = await db.Set<NotificationPreferences>().SingleOrDefaultAsync(p => p.UserId == by.Id, ct);
        var before = preferences is null ? null : Snapshot(preferences);
        if (preferences is null) db.Add(preferences = NotificationPreferences.Defaults(by.Id));
        preferences.Email = input.Email ?? preferences.Email;
        if (input.EmailAddress is { } changed) preferences.EmailAddress = changed.Length == 0 ? null : changed;
        preferences.SlackDirectMessage = input.SlackDirectMessage ?? preferences.SlackDirectMessage;
        preferences.SlackChannelMention = input.SlackChannelMention ?? preferences.SlackChannelMention;
        preferences.RequestsICanDecide = input.RequestsICanDecide ?? preferences.RequestsICanDecide;
        preferences.EscalationsToMe = input.EscalationsToMe ?? preferences.EscalationsToMe;
        preferences.UpdatedAt = time.GetUtcNow();
        audit.Record(by, "notifications.preferencesUpdated", "NotificationPreferences", by.Id, by.Organizations, before, Snapshot(preferences));
        await db.SaveChangesAsync(ct);
        return new(preferences, []);
    }

    private static object Snapshot(NotificationPreferences p) => new { p.Email, p.EmailAddress, p.SlackDirectMessage, p.SlackChannelMention, p.RequestsICanDecide, p.EscalationsToMe };
}
