using System.Text.RegularExpressions;
using GraphQL.Types;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public sealed record CreateUserInput(string UserName, string Password, List<string> Roles, List<string> Organizations);

public sealed class CreateUserInputType : InputObjectGraphType<CreateUserInput>
{
    public CreateUserInputType()
    {
        Name = "CreateUserInput";
        Field(i => i.UserName).Description("Letters, digits and . _ @ -, at most 128.");
        Field(i => i.Password).Description($"The initial password, at least {PasswordRules.MinLength} characters; the person should change it.");
        Field(i => i.Roles);
        Field(i => i.Organizations).Description("Organization ids, or \"*\" for every organization.");
    }
}

/// <summary>The rules every password an administrator sets meets.</summary>
public static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    public static UserError? Refusal(string password, string field = "password") =>
        password.Length < MinLength || password.Length > MaxLength
            ? new UserError(UserErrorCode.Validation, $"The password must be {MinLength} to {MaxLength} characters long.", field)
            : null;
}

/// <summary>createUser: a person who signs in with a user name and the initial password; stored in the database, audited.</summary>
internal sealed partial class CreateUser(RespondDbContext db, IPasswordHasher<UserAccount> hasher, AuditTrail audit, TimeProvider time)
{
    public async Task<UserPayload> ExecuteAsync(CreateUserInput input, RespondPrincipal by, CancellationToken ct)
    {
        var name = input.UserName.Trim();
        if (!UserNameShape().IsMatch(name))
            return UserPayload.Fail(new UserError(UserErrorCode.Validation, "A user name is 1 to 128 letters, digits or . _ @ -.", "userName"));
        if (PasswordRules.Refusal(input.Password) is { } weak) return UserPayload.Fail(weak);
        if (await GrantLimits.RefusalAsync(db, by, input.Roles, input.Organizations, ct) is { } refused) return UserPayload.Fail(refused);
        if (await db.Users.AnyAsync(u => u.UserName == name, ct))
            return UserPayload.Fail(new UserError(UserErrorCode.UserNameTaken, $"There is already a user {name}.", "userName"));

        var user = new UserAccount
        {
            Id = "user-" + Guid.NewGuid().ToString("N")[..12],
            UserName = name,
            PasswordHash = "",
            Roles = input.Roles.Distinct().ToList(),
            Organizations = input.Organizations.Distinct().ToList(),
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, input.Password);
        db.Users.Add(user);
        audit.Record(by, "user.created", "User", user.Id, AuditScope(user.Organizations), null, new { user.UserName, user.Roles, user.Organizations });
        await db.SaveChangesAsync(ct);
        return new UserPayload(user, []);
    }

    /// <summary>An every-organization user's entries are for principals of every organization.</summary>
    public static IReadOnlyCollection<string> AuditScope(IReadOnlyCollection<string> organizations) =>
        organizations.Contains(RespondPrincipal.AllOrganizations) ? [RespondPrincipal.AllOrganizations] : organizations;

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,128}$")]
    private static partial Regex UserNameShape();
}
