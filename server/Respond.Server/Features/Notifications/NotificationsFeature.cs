using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Notifications;

/// <summary>How approval requests reach people beyond the designer: per-person preferences (issue 16).</summary>
public static class NotificationsFeature
{
    public static IServiceCollection AddNotifications(this IServiceCollection services) =>
        services.AddScoped<UpdateNotificationPreferences>();

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
