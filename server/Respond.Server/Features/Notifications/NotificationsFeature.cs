using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>How approval requests reach people beyond the designer (issue 16): the notification outbox and its sender (Slack, Teams, mail), per-person preferences.</summary>
public static class NotificationsFeature
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid, "Respond:Notifications needs positive delays, PollInterval at most a day, MaxRetryDelay >= FirstRetryDelay.").ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section)
            .Validate(o => o.IsValid, "Respond:Email (with a Host) needs a port 1-65535, a From address, a positive Timeout, and UserName with Password (both or neither).").ValidateOnStart();
        services.AddSingleton<ApprovalNotificationWriter>().AddSingleton<ApprovalMailer>().AddSingleton<PostedSlackMessageUpdater>();
        services.AddSingleton<ApprovalNotificationDispatcher>().AddHostedService(sp => sp.GetRequiredService<ApprovalNotificationDispatcher>());
        return services.AddScoped<UpdateNotificationPreferences>().AddScoped<ApprovalNotificationSender>();
    }

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<NotificationPreferencesType>>("notificationPreferences")
            .Description("Your notification preferences (the defaults until you change them).")
            .ResolveAsync(async c =>
            {
                var by = c.Principal();
                return await c.Service<RespondDbContext>().Set<NotificationPreferences>().AsNoTracking().SingleOrDefaultAsync(p => p.UserId == by.Id, c.CancellationToken)
                    ?? NotificationPreferences.Defaults(by.Id);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<NotificationPreferencesPayloadType>>("updateNotificationPreferences").Argument<NonNullGraphType<UpdateNotificationPreferencesInputType>>("input")
            .ResolveAsync(async c => await c.Service<UpdateNotificationPreferences>().ExecuteAsync(
                c.GetArgument<UpdateNotificationPreferencesInput>("input"), c.Principal(), c.CancellationToken));
    }
}
