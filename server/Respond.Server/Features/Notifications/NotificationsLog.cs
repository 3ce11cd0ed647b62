namespace Respond.Server.Features.Notifications;

internal static partial class NotificationsLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The approval notification outbox pass failed; it runs again at the next poll")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} of approval request {RequestId} failed (attempt {Attempts}), retried later: {Error}")]
    public static partial void WillRetry(ILogger logger, string notificationId, string requestId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {NotificationId} of approval request {RequestId} given up after {Attempts} attempts: {Error}")]
    public static partial void GivenUp(ILogger logger, string notificationId, string requestId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Delivery} of notification {NotificationId} failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string delivery, string notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Updating Slack message {Channel}/{Ts} of approval request {RequestId} failed (attempt {Attempts}), retried later: {Error}")]
    public static partial void SlackUpdateWillRetry(ILogger logger, string channel, string ts, string requestId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Updating Slack message {Channel}/{Ts} of approval request {RequestId} given up after {Attempts} attempts: {Error}")]
    public static partial void SlackUpdateGivenUp(ILogger logger, string channel, string ts, string requestId, int attempts, string error);
}
