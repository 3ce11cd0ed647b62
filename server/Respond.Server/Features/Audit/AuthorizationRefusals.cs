using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Audit;

/// <summary>
/// Audits what the server refused (issue 11 point 8): a foreign or unknown organization or object, a missing role,
/// dual control (failed sign-ins and lockouts: Identity/SignInAudit, same vocabulary). Each entry is written in its own unit of work, so it survives the
/// refused operation, which changes nothing and saves nothing. The actor's name comes from the server's records
/// (user account, service client, agent), never from a name the client declared.
/// </summary>
public sealed class AuthorizationRefusals(IServiceScopeFactory scopes, ILogger<AuthorizationRefusals> logger)
{
    public const string RefusedAction = "authorization.refused";
    public const string SignInFailedAction = "signIn.failed";
    public const string SignInLockedOutAction = "signIn.lockedOut";

    /// <summary>
    /// The error codes that are an authorization refusal wherever they appear (a thrown GraphQL error or a payload's
    /// UserError). NOT_FOUND is one because the API answers a foreign organization's object exactly as a missing one.
    /// </summary>
    public static readonly IReadOnlySet<string> RefusalCodes = new[]
    {
        UserErrorCode.Forbidden, UserErrorCode.NotFound, UserErrorCode.DualControl, UserErrorCode.NotAnApprover,
    }.Select(c => c.ToSchemaName()).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Records that <paramref name="actor"/> was refused <paramref name="operation"/> (a GraphQL field, or a REST route) for
    /// <paramref name="reason"/> (an error code). The entry is visible to the actor's own organizations and to principals of
    /// every organization, never to the organization the attempt was aimed at unless the actor holds it: its content is
    /// only what the actor sent and was told, so it reveals nothing about another tenant.
    /// </summary>
    public async Task RecordAsync(RespondPrincipal actor, string operation, string reason, string message, IReadOnlyList<string>? path = null)
    {
        await WriteAsync(async (db, audit) =>
        {
            var recorded = actor with { Name = await RecordedNameAsync(db, actor) };
            audit.Record(recorded, RefusedAction, "Operation", Truncate(operation, 64), Scope(actor.Organizations), null, new
            {
                Operation = operation,
                Reason = reason,
                Message = Truncate(message, 500),
                Path = path,
                Roles = actor.Roles.Order(StringComparer.Ordinal).ToList(),
            });
        }, operation);
    }

    /// <summary>A refusal is never lost to the caller hanging up: the write does not take the request's cancellation.</summary>
    private async Task WriteAsync(Func<RespondDbContext, AuditTrail, Task> record, string operation)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            await record(db, scope.ServiceProvider.GetRequiredService<AuditTrail>());
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The refusal itself stands either way; an unwritable audit trail must not turn a refusal into an error.
            AuditRefusalLog.RefusalNotRecorded(logger, ex, operation);
        }
    }

    private static async Task<string> RecordedNameAsync(RespondDbContext db, RespondPrincipal actor)
    {
        if (await db.Users.AsNoTracking().Where(u => u.Id == actor.Id).Select(u => u.UserName).SingleOrDefaultAsync() is { } user) return user;
        if (await db.ServiceClients.AsNoTracking().AnyAsync(c => c.ClientId == actor.Id)) return actor.Id;
        if (actor.Id.StartsWith("agent:", StringComparison.Ordinal)) return "agent " + actor.Id["agent:".Length..];
        return actor.Id;
    }

    /// <summary>An entry with no organization would be workspace-wide (visible to every reader): a refusal without one is for principals of every organization only.</summary>
    private static IReadOnlyCollection<string> Scope(IReadOnlySet<string> organizations) =>
        organizations.Count == 0 ? [RespondPrincipal.AllOrganizations] : organizations;

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

internal static partial class AuditRefusalLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Could not audit the refusal of {Operation}; the refusal stands")]
    public static partial void RefusalNotRecorded(ILogger logger, Exception exception, string operation);
}
