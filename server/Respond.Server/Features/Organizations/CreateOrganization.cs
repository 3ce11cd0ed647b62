using System.Text.RegularExpressions;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Organizations;

public sealed record CreateOrganizationInput(string? Id, string Name);

public sealed class CreateOrganizationInputType : InputObjectGraphType<CreateOrganizationInput>
{
    public CreateOrganizationInputType()
    {
        Name = "CreateOrganizationInput";
        Field(i => i.Id, nullable: true).Description("Optional stable id (letters, digits, . _ -); generated when absent.");
        Field(i => i.Name);
    }
}

internal sealed partial class CreateOrganization(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<OrganizationPayload> ExecuteAsync(CreateOrganizationInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (!by.SeesAllOrganizations)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Forbidden, "Only an administrator of every organization can create organizations.", "name"));
        var name = input.Name.Trim();
        if (name.Length is 0 or > 200)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Validation, "The name must be 1 to 200 characters.", "name"));
        var id = input.Id ?? "org-" + Guid.NewGuid().ToString("N")[..10];
        if (!IdRegex().IsMatch(id))
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Validation, "The id may hold letters, digits, '.', '_' and '-' (at most 64).", "id"));
        if (await db.Organizations.AnyAsync(o => o.Id == id, ct))
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Duplicate, $"An organization with id '{id}' exists.", "id"));
        var organization = new Organization { Id = id, Name = name, CreatedAt = time.GetUtcNow() };
        db.Organizations.Add(organization);
        audit.Record(by, "organization.created", "Organization", id, [id], null, new { organization.Name });
        await db.SaveChangesAsync(ct);
        return OrganizationPayload.Ok(organization);
    }

    [GeneratedRegex(IdPattern.Value)]
    private static partial Regex IdRegex();
}
