using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

public sealed record UnlockSignInInput(string UserName);

public sealed class UnlockSignInInputType : InputObjectGraphType<UnlockSignInInput>
{
    public UnlockSignInInputType()
    {
        Name = "UnlockSignInInput";
        Field(i => i.UserName);
    }
}

public sealed record UnlockSignInPayload(string? UserName, bool WasLocked, IReadOnlyList<UserError> Errors);

public sealed class UnlockSignInPayloadType : ObjectGraphType<UnlockSignInPayload>
{
    public UnlockSignInPayloadType()
    {
        Name = "UnlockSignInPayload";
        Field(p => p.UserName, nullable: true);
        Field(p => p.WasLocked).Description("Whether the user name was locked (or counting failures) before.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>
/// Lets an administrator of every organization lift a sign-in lockout at once, on every node (a user locked out by someone guessing
/// at their name), instead of waiting it out. Audited.
/// </summary>
internal sealed class UnlockSignIn(RespondDbContext db, SignInThrottle throttle, AuditTrail audit)
{
    public static void Mutation(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<UnlockSignInPayloadType>>("unlockSignIn")
            .Description("Lifts a user's sign-in lockout and forgets their failed attempts (Admin of every organization).")
            .Argument<NonNullGraphType<UnlockSignInInputType>>("input")
            .ResolveAsync(async c => await c.Service<UnlockSignIn>()
                .ExecuteAsync(c.GetArgument<UnlockSignInInput>("input"), c.Require(Roles.Admin), c.CancellationToken));

    public async Task<UnlockSignInPayload> ExecuteAsync(UnlockSignInInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (!by.SeesAllOrganizations)
            return new(null, false, [new UserError(UserErrorCode.Forbidden, "Only an administrator of every organization can unlock sign-ins.", "userName")]);
        var name = input.UserName.Trim();
        var user = name.Length == 0 ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null) return new(null, false, [UserError.NotFound("user", "userName")]);
        var wasLocked = await throttle.ForgetAsync(user.UserName);
        audit.Record(by, "user.signInUnlocked", "User", user.Id, user.Organizations.Where(o => o != RespondPrincipal.AllOrganizations), null,
            new { user.UserName, WasLocked = wasLocked });
        await db.SaveChangesAsync(ct);
        return new(user.UserName, wasLocked, []);
    }
}
