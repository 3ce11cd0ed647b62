using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Audit;

public sealed class AuditEntryType : ObjectGraphType<AuditEntry>
{
    public AuditEntryType()
    {
        Name = "AuditEntry";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(a => a.At);
        Field(a => a.ActorId);
        Field(a => a.ActorName);
        Field(a => a.Action).Description("What happened, e.g. rule.activated, respond.turnedOn.");
        Field(a => a.SubjectType);
        Field(a => a.SubjectId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("organizationIds").Resolve(c => OrganizationScope.Decode(c.Source.Organizations));
        Field<JsonGraphType>("before").Resolve(c => c.Source.Before);
        Field<JsonGraphType>("after").Resolve(c => c.Source.After);
        Field(a => a.PreviousHash, nullable: true).Description("The hash of the entry before; null until sealed (within a second).");
        Field(a => a.Hash, nullable: true).Description("SHA-256 over this entry and PreviousHash (docs/actions.md, \"Tamper evidence\").");
        Field<LongGraphType>("chainPosition").Description("The entry's place in the chain (the entry before it is at chainPosition - 1); null until sealed.")
            .Resolve(c => c.Source.ChainPosition);
    }
}

public sealed record AuditFilter(string? OrganizationId, string? ActorId, string? Action, string? SubjectType, string? SubjectId, DateTimeOffset? From, DateTimeOffset? To,
    string? ActionId = null, string? AlertId = null);

public sealed class AuditFilterInputType : InputObjectGraphType<AuditFilter>
{
    public AuditFilterInputType()
    {
        Name = "AuditFilterInput";
        Field<IdGraphType>("organizationId");
        Field(f => f.ActorId, nullable: true);
        Field(f => f.Action, nullable: true).Description("Exact action, or a prefix ending in '.', e.g. 'rule.'.");
        Field(f => f.SubjectType, nullable: true);
        Field(f => f.SubjectId, nullable: true);
        Field(f => f.From, nullable: true);
        Field(f => f.To, nullable: true);
        Field<IdGraphType>("actionId").Description("A response action: its own entries and those of its approval request.");
        Field<IdGraphType>("alertId").Description("An alert: its own entries and those of the actions that responded to it (and their approvals).");
    }
}

public sealed class AuditBreakType : ObjectGraphType<AuditBreak>
{
    public AuditBreakType()
    {
        Name = "AuditBreak";
        Field<NonNullGraphType<IdGraphType>>("entryId").Resolve(c => c.Source.EntryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(b => b.Reason);
    }
}

public sealed class AuditVerificationType : ObjectGraphType<AuditVerification>
{
    public AuditVerificationType()
    {
        Name = "AuditVerification";
        Field(v => v.Valid).Description("No entry was edited or removed.");
        Field(v => v.CheckedEntries);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditBreakType>>>>("brokenEntries").Resolve(c => c.Source.BrokenEntries);
        Field(v => v.HeadHash, nullable: true).Description("The hash of the newest entry; keep it elsewhere to detect a rewritten chain later.");
        Field(v => v.VerifiedAt);
    }
}

public static class AuditFeature
{
    public static IServiceCollection AddAudit(this IServiceCollection services) =>
        services.AddScoped<AuditTrail>().AddSingleton<AuditChain>().AddSingleton<AuthorizationRefusals>().AddHostedService<AuditSealer>();

    /// <summary>The filters of auditTrail and of the export, applied to what the principal may see.</summary>
    public static IQueryable<AuditEntry> Filter(this IQueryable<AuditEntry> q, AuditFilter? where, RespondDbContext db)
    {
        if (where?.OrganizationId is { } org) q = q.WhereScopeIncludes(a => a.Organizations, org, includeWorkspaceWide: false);
        if (where?.ActorId is { } actor) q = q.Where(a => a.ActorId == actor);
        if (where?.Action is { } action)
            q = action.EndsWith('.') ? q.Where(a => a.Action.StartsWith(action)) : q.Where(a => a.Action == action);
        if (where?.SubjectType is { } type) q = q.Where(a => a.SubjectType == type);
        if (where?.SubjectId is { } subject) q = q.Where(a => a.SubjectId == subject);
        if (where?.From is { } from) q = q.Where(a => a.At >= from);
        if (where?.To is { } to) q = q.Where(a => a.At < to);
        if (where?.ActionId is { } actionId)
        {
            var approvals = db.ResponseActions.Where(r => r.Id == actionId && r.ApprovalRequestId != null).Select(r => r.ApprovalRequestId);
            q = q.Where(a => a.SubjectId == actionId || (a.SubjectType == "ApprovalRequest" && approvals.Contains(a.SubjectId)));
        }
        if (where?.AlertId is { } alertId)
        {
            var actions = db.ResponseActions.Where(r => r.AlertId == alertId);
            var actionIds = actions.Select(r => r.Id);
            var approvals = actions.Where(r => r.ApprovalRequestId != null).Select(r => r.ApprovalRequestId);
            q = q.Where(a => a.SubjectId == alertId || (a.SubjectType == "ResponseAction" && actionIds.Contains(a.SubjectId))
                             || (a.SubjectType == "ApprovalRequest" && approvals.Contains(a.SubjectId)));
        }
        return q;
    }

    public static IQueryable<AuditEntry> VisibleTo(this IQueryable<AuditEntry> query, RespondPrincipal principal) =>
        query.WhereScopeVisibleTo(a => a.Organizations, principal);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<AuditVerificationType>>("verifyAuditTrail")
            .Description("Recomputes the hash chain over the whole trail and names every entry that was edited or whose predecessor was removed. Admins of all organizations only.")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                if (!by.SeesAllOrganizations) throw new ExecutionError("verifyAuditTrail checks the whole trail; it needs an Admin of all organizations.") { Code = UserErrorCode.Forbidden.ToSchemaName() };
                return await c.Service<AuditChain>().VerifyAsync(c.CancellationToken);
            });
        query.Field<NonNullGraphType<ConnectionType<AuditEntryType>>>("auditTrail")
            .Description("Every decision and state change, newest first.")
            .PageArguments()
            .Argument<AuditFilterInputType>("where")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var where = c.GetArgument<AuditFilter?>("where");
                var db = c.Service<RespondDbContext>();
                var q = db.AuditEntries.AsNoTracking().VisibleTo(by).Filter(where, db);
                return await q.OrderByDescending(a => a.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), a => a, c.CancellationToken);
            });
    }

    public static void Subscription(ObjectGraphType subscription) =>
        subscription.Field<NonNullGraphType<AuditEntryType>>("auditRecorded")
            .Description("Each audit entry as it is committed, for the organizations you can see.")
            .Argument<IdGraphType>("organizationId")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                return c.Service<RespondEvents>().Observe<AuditEntry>(a =>
                {
                    var orgs = OrganizationScope.Decode(a.Organizations);
                    var visible = orgs.Count == 0 || by.SeesAllOrganizations || orgs.Any(by.CanSee);
                    return visible && (org is null || orgs.Contains(org));
                });
            });
}
