namespace Respond.Server.Features.Health;

internal static partial class HealthLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the database check failed")]
    public static partial void DatabaseUnreachable(ILogger logger, Exception exception);
}
