using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

/// <summary>
/// revokeApiClient: the client's OpenIddict application goes, and with it its tokens (the access tokens it holds fail
/// at once); the record stays, marked revoked, so the audit trail keeps naming it. A client listed in the bootstrap
/// configuration comes back at the next start-up: remove it there too.
/// </summary>
internal sealed class RevokeApiClient(RespondDbContext db, IOpenIddictApplicationManager applications, AuditTrail audit, TimeProvider time)
{
    public async Task<ApiClientPayload> ExecuteAsync(ApiClientIdInput input, RespondPrincipal by, CancellationToken ct)
    {
        var client = await db.ServiceClients.SingleOrDefaultAsync(c => c.ClientId == input.ClientId, ct);
        if (client is null || !GrantLimits.CanManage(by, client.Organizations)) return ApiClientPayload.Fail(UserError.NotFound("API client", "clientId"));
        if (client.ClientId == by.Id) return ApiClientPayload.Fail(new UserError(UserErrorCode.Validation, "A client cannot revoke itself.", "clientId"));
        if (client.RevokedAt is not null) return new ApiClientPayload(client, null, []);
        // Deleting the application deletes its authorizations and tokens with it: the token entries its access tokens are checked against are gone.
        if (await applications.FindByClientIdAsync(client.ClientId, ct) is { } application) await applications.DeleteAsync(application, ct);
        client.RevokedAt = time.GetUtcNow();
        audit.Record(by, "apiClient.revoked", "ApiClient", client.ClientId, CreateUser.AuditScope(client.Organizations), null, new { client.ClientId });
        await db.SaveChangesAsync(ct);
        return new ApiClientPayload(client, null, []);
    }
}
