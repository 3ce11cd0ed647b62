using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Respond.Server.Identity;

/// <summary>Where people reach this server (<c>Respond:PublicOrigin</c>), e.g. <c>https://respond.example.com</c>.</summary>
public sealed class PublicOriginOptions
{
    public const string Section = "Respond";

    /// <summary>The scheme, host, port (and path, behind a proxy that adds one) browsers use for Respond. Empty: the addresses it listens on.</summary>
    public string? PublicOrigin { get; set; }

    internal Uri? Origin => string.IsNullOrWhiteSpace(PublicOrigin) ? null : new Uri(PublicOrigin.TrimEnd('/') + "/");

    internal bool IsValid => string.IsNullOrWhiteSpace(PublicOrigin)
        || (Uri.TryCreate(PublicOrigin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo));
}

/// <summary>
/// Replaces OpenIddict's exact redirect URI check for the designer, whose callback is this server's own
/// <c>/auth/callback</c>. "This server" comes from configuration — <c>Respond:PublicOrigin</c>, or when that is not set
/// the addresses Kestrel listens on (a wildcard host read as <c>localhost</c>) — and never from the request's Host header,
/// which whoever sends the request chooses. Every other client keeps its registered URIs.
/// </summary>
internal sealed class ConfiguredRedirectUri(IOpenIddictApplicationManager applications, PublicOrigins origins)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ConfiguredRedirectUri>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var redirect = context.RedirectUri;
        if (string.IsNullOrEmpty(redirect)) return; // OpenIddict refuses a missing redirect_uri before this.
        if (context.ClientId == AuthorizationEndpoint.DesignerClientId)
        {
            if (!DesignerCallbacks().Contains(redirect, StringComparer.Ordinal))
                context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The designer's redirect_uri must be this server's own /auth/callback at its public origin (Respond:PublicOrigin).");
            return;
        }

        var application = context.ClientId is null ? null : await applications.FindByClientIdAsync(context.ClientId);
        if (application is null || !await applications.ValidateRedirectUriAsync(application, redirect))
            context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
    }

    /// <summary>The designer's accepted callback URIs.</summary>
    internal IEnumerable<string> DesignerCallbacks() =>
        origins.All().Select(o => new Uri(o, AuthorizationEndpoint.CallbackPath.TrimStart('/')).AbsoluteUri);
}
