using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Connectors.Graph;

/// <summary>The settings of a MICROSOFT_GRAPH connection, checked once per call.</summary>
internal sealed record GraphSettings(string LoginBaseUrl, string GraphBaseUrl, string TenantId, string ClientId, string ClientSecret)
{
    public const string DefaultLoginBaseUrl = "https://login.microsoftonline.com";
    public const string DefaultGraphBaseUrl = "https://graph.microsoft.com";

    /// <summary>Tokens are cached per app credential; a changed secret gets a token of its own.</summary>
    public string CacheKey => $"{LoginBaseUrl}|{TenantId}|{ClientId}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ClientSecret)))}";

    public string TokenUrl => $"{LoginBaseUrl}/{Uri.EscapeDataString(TenantId)}/oauth2/v2.0/token";

    /// <summary>The v1.0 URL of one user; the id (object id or UPN) is escaped as one path segment.</summary>
    public string UserUrl(string userId) => $"{GraphBaseUrl}/v1.0/users/{Uri.EscapeDataString(userId)}";

    public static GraphSettings? Read(ConnectorSettings settings, out string error)
    {
        error = "";
        var login = BaseUrl(settings, "loginBaseUrl", DefaultLoginBaseUrl, ref error);
        var graph = BaseUrl(settings, "graphBaseUrl", DefaultGraphBaseUrl, ref error);
        var tenantId = settings.Get("tenantId");
        var clientId = settings.Get("clientId");
        settings.Secrets.TryGetValue("clientSecret", out var secret);
        if (string.IsNullOrWhiteSpace(tenantId)) error = "Setting 'tenantId' is missing.";
        else if (string.IsNullOrWhiteSpace(clientId)) error = "Setting 'clientId' is missing.";
        else if (string.IsNullOrEmpty(secret)) error = "Secret 'clientSecret' is not set.";
        return error.Length > 0 ? null : new GraphSettings(login!, graph!, tenantId!, clientId!, secret!);
    }

    private static string? BaseUrl(ConnectorSettings settings, string key, string fallback, ref string error)
    {
        var value = settings.Get(key) ?? fallback;
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https") return value.TrimEnd('/');
        error = $"Setting '{key}' is not an http(s) URL.";
        return null;
    }
}
