namespace Respond.Server.Messaging;

/// <summary>Reads a signed request's raw body (signatures are over the exact bytes) up to a limit, for the endpoints partners and chat services call.</summary>
public static class LimitedRequestBody
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (declared or actual).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes) return null;
        }
        return buffer.ToArray();
    }
}
