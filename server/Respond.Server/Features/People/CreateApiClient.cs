using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Features.People;

public sealed record CreateApiClientInput(string ClientId, List<string> Roles, List<string> Organizations);

public sealed class CreateApiClientInputType : InputObjectGraphType<CreateApiClientInput>
{
    public CreateApiClientInputType()
    {
        Name = "CreateApiClientInput";
        Field<NonNullGraphType<IdGraphType>>("clientId").Description("Letters, digits and . _ -, at most 100.");
        Field(i => i.Roles);
        Field(i => i.Organizations).Description("Organization ids, or \"*\" for every organization.");
    }
}

/// <summary>createApiClient: a confidential client-credentials client; its secret is generated here and shown once.</summary>
internal sealed partial class CreateApiClient(RespondDbContext db, IOpenIddictApplicationManager applications, AuditTrail audit)
{
    public async Task<ApiClientPayload> ExecuteAsync(CreateApiClientInput input, RespondPrincipal by, CancellationToken ct)
    {
        var clientId = input.ClientId.Trim();
        if (!ClientIdShape().IsMatch(clientId))
            return ApiClientPayload.Fail(new UserError(UserErrorCode.Validation, "A client id is 1 to 100 letters, digits or . _ -.", "clientId"));
        if (await GrantLimits.RefusalAsync(db, by, input.Roles, input.Organizations, ct) is { } refused) return ApiClientPayload.Fail(refused);
        if (await applications.FindByClientIdAsync(clientId, ct) is not null || await db.ServiceClients.AnyAsync(c => c.ClientId == clientId, ct))
            return ApiClientPayload.Fail(new UserError(UserErrorCode.ClientIdTaken, $"There is already a client {clientId}.", "clientId"));

        var secret = NewSecret();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = clientId,
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation, Permissions.GrantTypes.ClientCredentials },
        }, ct);
        var client = new ServiceClient { ClientId = clientId, Roles = input.Roles.Distinct().ToList(), Organizations = input.Organizations.Distinct().ToList() };
        db.ServiceClients.Add(client);
        audit.Record(by, "apiClient.created", "ApiClient", clientId, CreateUser.AuditScope(client.Organizations), null, new { client.Roles, client.Organizations });
        await db.SaveChangesAsync(ct);
        return new ApiClientPayload(client, secret, []);
    }

    /// <summary>256 bits from the system's cryptographic generator, URL-safe.</summary>
    public static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex ClientIdShape();
}
