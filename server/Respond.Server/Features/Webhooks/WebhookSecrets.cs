using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StandardWebhooks;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// Signing secrets (<c>whsec_</c> + base64 of 32 random bytes, as Standard Webhooks writes them): made here, shown once,
/// stored protected, and used to sign each attempt with every secret still valid (the new one, and the previous one
/// during its overlap), space-separated in <c>webhook-signature</c> as the convention allows.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private const string Purpose = "Respond.Webhooks.SigningSecrets";
    public const string Prefix = "whsec_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => protection.CreateProtector(Purpose).Protect(secret);

    public string Sign(WebhookSubscription subscription, string messageId, DateTimeOffset at, string payload)
    {
        var protector = protection.CreateProtector(Purpose);
        var secrets = new List<string> { protector.Unprotect(subscription.SecretProtected) };
        if (subscription.PreviousSecretProtected is { } previous && subscription.PreviousSecretExpiresAt > at) secrets.Add(protector.Unprotect(previous));
        return string.Join(' ', secrets.Select(s => new StandardWebhook(s).Sign(messageId, at, payload)));
    }
}
