using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public sealed record ApiClientIdInput(string ClientId);

public sealed class ApiClientIdInputType : InputObjectGraphType<ApiClientIdInput>
{
    public ApiClientIdInputType()
    {
        Name = "ApiClientIdInput";
        Field<NonNullGraphType<IdGraphType>>("clientId");
    }
}

/// <summary>
/// rotateApiClientSecret: a new secret, shown once; the old one stops working and the tokens issued with it are
/// revoked (a rotation is usually because the old secret leaked).
/// </summary>
internal sealed class RotateApiClientSecret(RespondDbContext db, IOpenIddictApplicationManager applications, SignInRevocation revocation, AuditTrail audit)
{
    public async Task<ApiClientPayload> ExecuteAsync(ApiClientIdInput input, RespondPrincipal by, CancellationToken ct)
    {
        var client = await db.ServiceClients.SingleOrDefaultAsync(c => c.ClientId == input.ClientId, ct);
        if (client is null || client.RevokedAt is not null || !GrantLimits.CanManage(by, client.Organizations)) return ApiClientPayload.Fail(UserError.NotFound("API client", "clientId"));
        var application = await applications.FindByClientIdAsync(client.ClientId, ct);
        if (application is null) return ApiClientPayload.Fail(UserError.NotFound("API client", "clientId"));
        var secret = CreateApiClient.NewSecret();
        await applications.UpdateAsync(application, secret, ct);
        audit.Record(by, "apiClient.secretRotated", "ApiClient", client.ClientId, CreateUser.AuditScope(client.Organizations), null, new { client.ClientId });
        await db.SaveChangesAsync(ct);
        await revocation.RevokeApplicationAsync((await applications.GetIdAsync(application, ct))!, ct);
        return new ApiClientPayload(client, secret, []);
    }
}
