using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Respond.Server.Identity;

/// <summary>
/// Replaces OpenIddict's exact redirect URI check for the designer: it is served by this same process at
/// whatever address the operator chose (a port, a proxy, a host name), so its callback is accepted when it
/// is this request's own origin plus `/auth/callback`. Every other client keeps its registered URIs.
/// </summary>
internal sealed class SameOriginRedirectUri(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<SameOriginRedirectUri>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var redirect = context.RedirectUri;
        if (string.IsNullOrEmpty(redirect)) return; // OpenIddict refuses a missing redirect_uri before this.
        if (context.ClientId == AuthorizationEndpoint.DesignerClientId)
        {
            var http = context.Transaction.GetHttpRequest();
            var expected = http is null ? null : $"{http.Scheme}://{http.Host}{http.PathBase}{AuthorizationEndpoint.CallbackPath}";
            if (!string.Equals(redirect, expected, StringComparison.Ordinal))
                context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The designer's redirect_uri must be this server's own /auth/callback.");
            return;
        }

        var application = context.ClientId is null ? null : await applications.FindByClientIdAsync(context.ClientId);
        if (application is null || !await applications.ValidateRedirectUriAsync(application, redirect))
            context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
    }
}
