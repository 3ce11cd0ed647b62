namespace Respond.Server.GraphQL;

internal static partial class GraphQLLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket connection_init refused: {Reason}")]
    public static partial void WebSocketTokenRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket of {Subject} closed (4403): {Reason}")]
    public static partial void WebSocketClosedForToken(ILogger logger, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket upgrade refused: the graphql-transport-ws subprotocol was not offered")]
    public static partial void WebSocketSubprotocolMissing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in a GraphQL resolver for {Path}")]
    public static partial void UnhandledResolverError(ILogger logger, Exception exception, string path);
}
