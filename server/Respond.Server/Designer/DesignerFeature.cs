using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Respond.Server.Designer;

/// <summary>
/// Serves the built designer (designer/dist, copied next to the server as `designer/` by the build) at `/`,
/// with every unknown path that is not an API falling back to its index.html so client-side routes deep-link.
/// </summary>
public static class DesignerFeature
{
    public const string Folder = "designer";

    /// <summary>`Respond:Designer:Root` overrides where the files are; by default they sit beside the server's dll.</summary>
    public static string? FindRoot(IConfiguration configuration)
    {
        var configured = configuration["Respond:Designer:Root"];
        var root = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, Folder) : Path.GetFullPath(configured);
        return File.Exists(Path.Combine(root, "index.html")) ? root : null;
    }

    public static WebApplication UseDesigner(this WebApplication app)
    {
        var root = FindRoot(app.Configuration);
        if (root is null)
        {
            DesignerLog.NotBuilt(app.Logger, Path.Combine(AppContext.BaseDirectory, Folder));
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = c =>
            {
                // Hashed bundles never change; index.html must be read again after every build.
                c.Context.Response.Headers[HeaderNames.CacheControl] = c.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
            },
        });
        app.MapFallback(async http =>
        {
            var path = http.Request.Path.Value ?? "/";
            if (!HttpMethods.IsGet(http.Request.Method) || IsServerPath(path) || Path.HasExtension(path))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            await http.Response.SendFileAsync(files.GetFileInfo("index.html"), http.RequestAborted);
        }).AllowAnonymous();
        return app;
    }

    private static bool IsServerPath(string path) =>
        path.StartsWith("/graphql", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/connect/", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/.well-known/", StringComparison.OrdinalIgnoreCase);
}

internal static partial class DesignerLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The designer is not built (no index.html under {Root}); `/` serves nothing. Build the server without -p:SkipDesignerBuild=true.")]
    public static partial void NotBuilt(ILogger logger, string root);
}
