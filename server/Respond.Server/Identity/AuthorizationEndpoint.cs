using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Respond.Server.Designer;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Identity;

/// <summary>
/// The designer signs people in with the authorization code flow and PKCE. `/connect/authorize` issues a
/// code for whoever the sign-in cookie names; without one it sends the browser to `/login`, the server's own
/// login page, which sets that cookie and returns here. The cookie only ever reaches these endpoints' logic:
/// `/graphql` accepts bearer tokens alone, so a cookie can never be used for a cross-site API call.
/// </summary>
internal static class AuthorizationEndpoint
{
    public const string LoginScheme = "RespondLogin";
    public const string DesignerClientId = "respond-designer";
    public const string CallbackPath = "/auth/callback";

    public static async Task<IResult> AuthorizeAsync(HttpContext http, RespondDbContext db)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await http.AuthenticateAsync(LoginScheme);
        var subject = login.Succeeded ? login.Principal.FindFirstValue(Claims.Subject) : null;
        var user = subject is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == subject, http.RequestAborted);
        if (user is null || user.DisabledAt is not null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Results.Forbid(ErrorProperties(Errors.LoginRequired, "Nobody is signed in."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryWithout(http.Request.Query, Parameters.Prompt);
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var identity = TokenEndpoint.IdentityFor(user.Id, user.UserName, user.Roles, user.Organizations);
        identity.SetScopes(request.GetScopes().Intersect([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess]));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static IResult LoginForm(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        LoginPage.Render(SafeReturnUrl(returnUrl), userName: null, error: null, Token(http, antiforgery));

    public static async Task<IResult> LoginAsync(HttpContext http, PasswordSignIn passwords, IAntiforgery antiforgery, ILoggerFactory loggers)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var userName = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = SafeReturnUrl(form["returnUrl"].ToString());
        // Login CSRF: a form posted from another site (or without the page's token) never signs the browser in.
        if (!await antiforgery.IsRequestValidAsync(http))
            return LoginPage.Render(returnUrl, userName, "This sign-in form expired or did not come from Respond; sign in again.", Token(http, antiforgery), StatusCodes.Status400BadRequest);
        var result = await passwords.CheckAsync(userName, password, SourceAddress.Of(http), PasswordSignIn.LoginPage, http.RequestAborted);
        if (result.User is not { } user)
        {
            IdentityLog.SignInRefused(loggers.CreateLogger(typeof(AuthorizationEndpoint)), result.Status.ToString());
            if (result.IsThrottled)
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(result.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return LoginPage.Render(returnUrl, userName, result.Message, Token(http, antiforgery),
                result.IsThrottled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(LoginScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.UserName));
        await http.SignInAsync(LoginScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static string Token(HttpContext http, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(http).RequestToken!;

    /// <summary>Ends the sign-in session; the designer drops its tokens before it comes here.</summary>
    public static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(LoginScheme);
        return Results.Redirect("/login?signedOut=1");
    }

    public static void ConfigureCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "respond.login";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromHours(8);
        o.SlidingExpiration = true;
        o.LoginPath = "/login";
    }

    /// <summary>Only a local path back to the authorization endpoint or the designer: never an open redirect.</summary>
    internal static string SafeReturnUrl(string? returnUrl) => LocalReturnUrl.Normalise(returnUrl);

    private static string QueryWithout(IQueryCollection query, string name) =>
        QueryString.Create(query.Where(p => p.Key != name).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))).ToUriComponent();

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
