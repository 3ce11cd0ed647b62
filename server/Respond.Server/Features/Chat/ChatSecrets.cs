using Microsoft.AspNetCore.DataProtection;

namespace Respond.Server.Features.Chat;

/// <summary>Slack's bot token and signing secret, Teams' webhook URL: stored protected, unprotected only to call out or to verify a signature.</summary>
public sealed class ChatSecrets(IDataProtectionProvider protection)
{
    private const string Purpose = "Respond.Chat.Secrets";

    public string Protect(string secret) => protection.CreateProtector(Purpose).Protect(secret);

    public string Unprotect(string protectedSecret) => protection.CreateProtector(Purpose).Unprotect(protectedSecret);
}
