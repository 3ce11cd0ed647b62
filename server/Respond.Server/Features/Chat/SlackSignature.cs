using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Features.Chat;

/// <summary>
/// Slack's request signature, version 0: <c>X-Slack-Signature</c> = <c>v0=</c> + hex HMAC-SHA256 of
/// <c>v0:{X-Slack-Request-Timestamp}:{raw body}</c> under the app's signing secret, compared in constant time.
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    public static string Compute(string signingSecret, string timestamp, byte[] body)
    {
        var basestring = Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), basestring));
    }

    public static bool Matches(string signingSecret, string timestamp, byte[] body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(signingSecret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
