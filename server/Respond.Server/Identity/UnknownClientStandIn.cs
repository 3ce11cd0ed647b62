using System.Security.Cryptography;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Respond.Server.Identity;

/// <summary>
/// Makes an unknown client id cost what a wrong secret costs. OpenIddict refuses an unknown client_id before it hashes
/// anything, while a known one pays for a PBKDF2 verification: the difference in time would tell an attacker which client
/// ids exist. So before that check, a secret presented with an unknown id is verified against a stand-in client — a
/// registered confidential application with a random secret nobody knows and no permissions, re-created at every start
/// so its hash has the same parameters as every other client's — through the same application manager call. Then
/// OpenIddict refuses as usual and <see cref="UniformClientRefusal{TContext}"/> makes the answer the same too.
/// </summary>
internal sealed class UnknownClientStandIn(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public const string ClientId = "respond-stand-in-for-unknown-clients";

    /// <summary>Marks a transaction whose client id is not registered (for <see cref="TokenEndpointThrottle"/>'s audit).</summary>
    public const string UnknownClientProperty = ".respond_unknown_client";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<UnknownClientStandIn>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientId.Descriptor.Order - 250)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (!TokenEndpointThrottle.AuthenticatesClients(context.EndpointType) || string.IsNullOrEmpty(context.ClientId)) return;
        if (await applications.FindByClientIdAsync(context.ClientId) is not null) return;
        context.Transaction.Properties[UnknownClientProperty] = true;
        if (string.IsNullOrEmpty(context.ClientSecret)) return; // a known confidential client without a secret is refused unhashed too
        if (await applications.FindByClientIdAsync(ClientId) is { } standIn)
            await applications.ValidateClientSecretAsync(standIn, context.ClientSecret);
    }

    /// <summary>Creates the stand-in, or gives it a new random secret (hashed with today's parameters); called by <see cref="Bootstrap"/>.</summary>
    public static async Task EnsureAsync(IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ClientType = ClientTypes.Confidential,
            DisplayName = "Stand-in for unknown client ids (no permissions; its secret is random and never stored in clear)",
        };
        var existing = await applications.FindByClientIdAsync(ClientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);
    }
}
