namespace Respond.Server.Connectors.Outbound;

internal static partial class OutboundLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound request to {Host} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string host, string reason);
}
