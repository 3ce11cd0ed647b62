namespace Respond.Server.Identity;

/// <summary>
/// Refuses every request that carries <c>access_token</c> in its query string (400), on every path. A token in a URL is
/// written to proxy and server logs, browser history and Referer headers; refusing outright (rather than ignoring it)
/// tells the client to fix it before a token leaks twice. No Respond endpoint needs the exception browsers sometimes
/// force: the designer's WebSocket sends its token in graphql-transport-ws's <c>connection_init</c> payload.
/// </summary>
internal static class AccessTokenInUrlRefusal
{
    public const string Parameter = "access_token";

    public static IApplicationBuilder UseAccessTokenInUrlRefusal(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!http.Request.Query.ContainsKey(Parameter))
            {
                await next(http);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new
            {
                error = "invalid_request",
                error_description = "Access tokens are not accepted in URLs; send them in the Authorization header (Bearer).",
            }, http.RequestAborted);
        });
}
