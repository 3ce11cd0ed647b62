using System.Globalization;

namespace Respond.Server.Identity;

/// <summary>
/// Where the login page may send the browser after a sign-in: only an absolute path on this server. Browsers are
/// lenient where a server check is not — they drop tabs and newlines inside a URL, read `\` as `/`, and take `//host`
/// or `/\host` as another site — so the value is parsed as a browser would and anything that could leave this origin
/// becomes `/`. Percent-decoded forms are checked too: a value that only turns dangerous after one more decode is
/// refused rather than trusted to stay encoded through every hop.
/// </summary>
internal static class LocalReturnUrl
{
    public const string Home = "/";
    private const int MaxLength = 4096;
    private const int DecodeRounds = 3;
    private static readonly Uri ThisOrigin = new("http://respond.invalid/");

    /// <summary>The normalised same-origin path (with its query) for <paramref name="returnUrl"/>, or <see cref="Home"/>.</summary>
    public static string Normalise(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > MaxLength) return Home;

        var candidate = returnUrl;
        for (var round = 0; round <= DecodeRounds; round++)
        {
            if (!LooksLocal(candidate)) return Home;
            var decoded = Uri.UnescapeDataString(candidate);
            if (decoded == candidate) break;
            candidate = decoded;
        }

        // Resolved against a fixed origin, the value must stay on it; the result is re-serialised so what the
        // browser receives is exactly what was checked (no raw spaces, no non-ASCII, no fragment tricks).
        if (!Uri.TryCreate(ThisOrigin, returnUrl, out var resolved) || !IsSameOrigin(resolved)) return Home;
        return resolved.PathAndQuery;
    }

    private static bool LooksLocal(string value)
    {
        if (value.Length == 0 || value[0] != '/') return false; // relative paths and every scheme (javascript:, https:)
        if (value.Length > 1 && value[1] is '/' or '\\') return false; // //host and /\host are other sites
        foreach (var c in value)
        {
            if (c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c)) return false;
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned) return false;
        }
        return true;
    }

    private static bool IsSameOrigin(Uri resolved) =>
        resolved.IsAbsoluteUri
        && string.Equals(resolved.Scheme, ThisOrigin.Scheme, StringComparison.Ordinal)
        && string.Equals(resolved.Authority, ThisOrigin.Authority, StringComparison.Ordinal)
        && string.IsNullOrEmpty(resolved.UserInfo);
}
