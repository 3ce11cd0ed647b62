using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Respond.Server.Connectors.Webhook;

/// <summary>
/// The signature on every webhook request, both ways: <c>X-Respond-Signature: sha256=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>
/// with <c>X-Respond-Timestamp</c> the unix seconds it was signed at.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Respond-Timestamp";
    public const string SignatureHeader = "X-Respond-Signature";
    private const string Prefix = "sha256=";

    /// <summary>Requests signed further than this from now, either way, are refused.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>JSON from the other side is parsed with this: a duplicated property is malformed, not a later exception.</summary>
    public static JsonDocumentOptions StrictJson { get; } = new() { AllowDuplicateProperties = false };

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>Whether <paramref name="signature"/> is this body's, compared in constant time; false for anything malformed.</summary>
    public static bool Matches(string secret, string timestamp, ReadOnlySpan<byte> body, string signature)
    {
        if (!signature.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp, body));
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var n = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[n] = (byte)'.';
        body.CopyTo(signed.AsSpan(n + 1));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}
