namespace Respond.Server.Designer;

/// <summary>
/// Browser security headers on every response: the designer's pages (`/`, `/login`, `/explorer` and every client-side
/// route), its files and the API alike, so no page can be missed. The CSP allows scripts only from this origin (no inline
/// script, no eval): the designer's build emits module files only, the login page has no script, and the API explorer is
/// a designer route whose GraphiQL is bundled. Inline styles stay allowed (React Flow and GraphiQL set them); they cannot
/// run code. Framing is refused outright (frame-ancestors 'none' and, for older browsers, X-Frame-Options DENY).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(http);
        });
}
