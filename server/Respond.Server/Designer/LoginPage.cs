using System.Text.Encodings.Web;

namespace Respond.Server.Designer;

/// <summary>
/// The server's own sign-in page for the designer's authorization code flow. Plain HTML with no script, so it
/// works before the designer has loaded and never sees a token.
/// </summary>
internal static class LoginPage
{
    /// <summary>The form field carrying the antiforgery token: no other site can make a browser sign in as someone.</summary>
    public const string AntiforgeryField = "__RequestVerificationToken";

    public static IResult Render(string returnUrl, string? userName, string? error, string antiforgeryToken, int status = StatusCodes.Status200OK)
    {
        var h = HtmlEncoder.Default;
        var errorHtml = error is null ? "" : $"""<p class="error" role="alert" id="login-error">{h.Encode(error)}</p>""";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>Sign in · Respond</title>
            <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%232d5bd7'/%3E%3C/svg%3E">
            <style>
            :root { --bg:#f4f6fa; --card:#fff; --text:#1b2333; --muted:#5b6578; --border:#d5dbe6; --accent:#2d5bd7; --accent-text:#fff; --danger:#b42318; }
            @media (prefers-color-scheme: dark) { :root { --bg:#0f141d; --card:#171e2b; --text:#e6eaf2; --muted:#9aa5b8; --border:#2c3547; --accent:#6d93ff; --accent-text:#0b1020; --danger:#ff8a80; } }
            * { box-sizing: border-box; }
            body { margin:0; min-height:100vh; display:grid; place-items:center; background:var(--bg); color:var(--text);
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            main { width:min(380px, 92vw); background:var(--card); border:1px solid var(--border); border-radius:14px; padding:32px; box-shadow:0 8px 30px rgb(0 0 0 / .08); }
            .brand { display:flex; align-items:center; gap:10px; font-weight:700; font-size:20px; margin-bottom:4px; }
            .logo { width:32px; height:32px; border-radius:9px; background:var(--accent); color:var(--accent-text); display:grid; place-items:center; font-weight:800; }
            p.sub { margin:0 0 24px; color:var(--muted); }
            label { display:block; font-weight:600; margin:14px 0 6px; }
            input { width:100%; padding:10px 12px; border:1px solid var(--border); border-radius:8px; background:transparent; color:inherit; font:inherit; }
            input:focus-visible, button:focus-visible { outline:3px solid color-mix(in srgb, var(--accent) 45%, transparent); outline-offset:1px; }
            button { margin-top:22px; width:100%; padding:11px; border:0; border-radius:8px; background:var(--accent); color:var(--accent-text); font:inherit; font-weight:700; cursor:pointer; }
            .error { color:var(--danger); margin:12px 0 0; }
            .note { color:var(--muted); font-size:13px; margin-top:18px; }
            </style>
            </head>
            <body>
            <main>
              <div class="brand"><span class="logo" aria-hidden="true">R</span>Respond</div>
              <p class="sub">Sign in to the Respond designer</p>
              <form method="post" action="/login">
                <input type="hidden" name="returnUrl" value="{{h.Encode(returnUrl)}}">
                <input type="hidden" name="{{AntiforgeryField}}" value="{{h.Encode(antiforgeryToken)}}">
                <label for="username">User name</label>
                <input id="username" name="username" autocomplete="username" required autofocus value="{{h.Encode(userName ?? "")}}">
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                {{errorHtml}}
                <button type="submit">Sign in</button>
              </form>
              <p class="note">Users come from the server's bootstrap configuration (Respond:Bootstrap:Users).</p>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
