namespace Respond.Server.Connectors.Outbound;

/// <summary>
/// Thrown by <see cref="OutboundAddressGuard"/> instead of connecting; HttpClient hands it on as the inner exception
/// of an <see cref="HttpRequestException"/>, so connectors can report the refusal rather than "unreachable".
/// </summary>
public sealed class OutboundAddressRefusedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;

    /// <summary>The refusal somewhere in an exception's chain, or null.</summary>
    public static OutboundAddressRefusedException? In(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is OutboundAddressRefusedException refused) return refused;
        return null;
    }
}
