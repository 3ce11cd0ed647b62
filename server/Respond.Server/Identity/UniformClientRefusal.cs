using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Identity;

/// <summary>
/// One answer for every failed client authentication at the token, introspection and revocation endpoints. OpenIddict
/// describes an unknown client_id, a missing secret and a wrong secret differently, which lets anyone list the client ids
/// that exist; this replaces the description (and drops the error URI, which names the case) before the status code and
/// the WWW-Authenticate header are derived from the response, so status, headers and body are the same in every case.
/// </summary>
internal sealed class UniformClientRefusal<TContext> : IOpenIddictServerHandler<TContext> where TContext : OpenIddictServerEvents.BaseRequestContext
{
    public const string Description = "The client could not be authenticated.";

    /// <summary>OpenIddict's own description, kept for the audit entry (server text, never the caller's).</summary>
    public const string ReasonProperty = ".respond_client_refusal_reason";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<UniformClientRefusal<TContext>>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        if (context.Transaction.Response is { Error: Errors.InvalidClient } response)
        {
            context.Transaction.Properties[ReasonProperty] = response.ErrorDescription;
            response.ErrorDescription = Description;
            response.ErrorUri = null;
        }
        return ValueTask.CompletedTask;
    }
}
