namespace Respond.Server.Features.Chat;

internal static partial class ChatLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Approval request {RequestId} decided in Slack by {UserId}: {Outcome}")]
    public static partial void SlackDecided(ILogger logger, string requestId, string userId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not answer the Slack click on request {RequestId} through its response_url")]
    public static partial void SlackResponseFailed(ILogger logger, Exception exception, string requestId);
}
