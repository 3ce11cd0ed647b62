using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Events;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Approvals;

public sealed class ApprovalRequestType : ObjectGraphType<ApprovalRequest>
{
    public ApprovalRequestType()
    {
        Name = "ApprovalRequest";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<NonNullGraphType<EnumerationGraphType<ApprovalStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<EnumerationGraphType<ApprovalKind>>>("kind")
            .Description("ACTION: a person's action (dual control); GATE: a rule's approval gate for one event; RULE_ACTIVATION: arming an automatic rule (change control).")
            .Resolve(c => c.Source.Kind);
        Field<IdGraphType>("ruleId").Resolve(c => c.Source.RuleId);
        Field(r => r.RuleVersion, nullable: true);
        Field(r => r.EventId, nullable: true);
        Field<IdGraphType>("alertId").Resolve(c => c.Source.AlertId);
        Field<NonNullGraphType<JsonGraphType>>("proposedActions").Description("The actions that run if approved: type, target, parameters.")
            .Resolve(c => JsonDocument.Parse(c.Source.ProposedActionsJson).RootElement.Clone());
        Field(r => r.RequestedBy).Description("\"engine\" for an approval gate of a rule, else the principal who asked.");
        Field<NonNullGraphType<StringGraphType>>("requestedByName").Description("Who asked, by name: the user's user name, the API client's id, or Respond's own gate.")
            .ResolveAsync(async c => await c.Service<PrincipalNames>().NameAsync(c.Source.RequestedBy, c.CancellationToken));
        Field(r => r.Justification, nullable: true);
        Field(r => r.RuleActivatedBy, nullable: true).Description("Who activated the rule (GATE) or asks to (RULE_ACTIVATION): may not decide.");
        Field(r => r.RuleEditedBy).Description("Who changed what the rule runs (GATE) or is to run (RULE_ACTIVATION): may not decide.");
        Field<JsonGraphType>("ruleDiff")
            .Description("RULE_ACTIVATION: how the version to run differs from the running one (runningVersion, proposedVersion, fields, nodes, edgesAdded, edgesRemoved).")
            .Resolve(c => c.Source.RuleDiffJson is { } diff ? JsonDocument.Parse(diff).RootElement.Clone() : null);
        Field(r => r.Approvers).Description("Roles or principal ids that may decide; empty: any Approver of the organization.");
        Field(r => r.ApprovalsRequired).Description("Quorum: distinct approvers who must approve; the requester never counts, the first rejection decides.");
        Field(r => r.ApprovalsReceived).Description("Approvals counted so far.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalVoteType>>>>("decisions")
            .Description("Every person's approval or rejection, oldest first.").Resolve(c => c.Source.Decisions);
        Field(r => r.DecidedBy, nullable: true).Description("Whose decision decided the request (the last approval of a quorum, or the rejection).");
        Field<StringGraphType>("decidedByName").Description("decidedBy by name (null while undecided; Respond's own words for an expiry or fallback).")
            .ResolveAsync(async c => c.Source.DecidedBy is { } id ? await c.Service<PrincipalNames>().NameAsync(id, c.CancellationToken) : null);
        Field(r => r.DecidedAt, nullable: true);
        Field(r => r.Comment, nullable: true);
        Field(r => r.ExpiresAt);
        Field<NonNullGraphType<EnumerationGraphType<ApprovalFallback>>>("fallback")
            .Description("At expiresAt without a decision: EXPIRE, or APPROVE where a policy explicitly allows it (autoApproveReason).").Resolve(c => c.Source.Fallback);
        Field(r => r.AutoApproveReason, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EscalationStepType>>>>("escalation").Resolve(c => c.Source.Escalation);
        Field(r => r.EscalationLevel).Description("How many escalation steps have fired.");
        Field(r => r.NextEscalationAt, nullable: true).Description("When the next step fires; null: no step left.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalNoticeType>>>>("notices")
            .Description("Who was told when: the first group at the opening (level 0), then each escalation step.").Resolve(c => c.Source.Notices);
        Field(r => r.CreatedAt);
        Field<StringGraphType>("ruleName").Description("The name of the rule the request comes from, as it is now (null: no rule, or deleted).")
            .ResolveAsync(async c => await c.Service<ApprovalRelations>().RuleNameAsync(c.Source, c.CancellationToken));
        Field<AlertType>("alert").Description("The alert the request belongs to, if any.")
            .ResolveAsync(async c => await c.Service<ApprovalRelations>().AlertAsync(c.Source, c.CancellationToken));
        Field<EventType>("evidence").Description("The event that triggered it: the gate's event, else the first event of its alert (null for a person's own submission).")
            .ResolveAsync(async c => await c.Service<ApprovalRelations>().EvidenceAsync(c.Source, c.CancellationToken));
        Field<NonNullGraphType<EnumerationGraphType<ApprovalReason>>>("reason").Description("Why it needs a person: gate, rule activation, approval requirement, protected target, blast-radius guard...")
            .ResolveAsync(async c => (await c.Service<ApprovalRelations>().ExplanationAsync(c.Source, c.CancellationToken)).Reason);
        Field<NonNullGraphType<StringGraphType>>("reasonText").Description("The reason in words, naming the rule by its name.")
            .ResolveAsync(async c => (await c.Service<ApprovalRelations>().ExplanationAsync(c.Source, c.CancellationToken)).Text);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("actionTypes")
            .Description("The types of the proposed actions.").Resolve(c => ApprovalProposal.Of(c.Source).ActionTypes);
        Field<NonNullGraphType<StringGraphType>>("groupKey")
            .Description("Equal for requests that propose the same actions on the same targets in the same organization (see pendingApprovalGroups).")
            .Resolve(c => ApprovalProposal.Of(c.Source).GroupKey);
    }
}

public sealed class ApprovalVoteType : ObjectGraphType<ApprovalVote>
{
    public ApprovalVoteType()
    {
        Name = "ApprovalVote";
        Field(d => d.By).Description("The principal who decided.");
        Field<NonNullGraphType<StringGraphType>>("byName").Description("Who decided, by name.")
            .ResolveAsync(async c => await c.Service<PrincipalNames>().NameAsync(c.Source.By, c.CancellationToken));
        Field<NonNullGraphType<EnumerationGraphType<ApprovalStatus>>>("outcome").Description("APPROVED or REJECTED.").Resolve(c => c.Source.Outcome);
        Field(d => d.Comment, nullable: true);
        Field(d => d.At);
    }
}

public sealed class ApprovalNoticeType : ObjectGraphType<ApprovalNotice>
{
    public ApprovalNoticeType()
    {
        Name = "ApprovalNotice";
        Field(n => n.Level).Description("0: the opening; n: the n-th escalation step.");
        Field(n => n.At);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("recipients")
            .Description("Principal ids and roles told (an on-call entry resolved to the list as it was).").Resolve(c => c.Source.Recipients);
    }
}

public enum ApprovalOrder
{
    /// <summary>Newest request first (the default).</summary>
    Newest,
    /// <summary>The request that expires first, first: what needs a decision soonest.</summary>
    ExpiresSoonest,
}

public sealed record ApprovalFilter(string? OrganizationId, ApprovalStatus? Status, string? RuleId, string? Text, ResponseActionType? ActionType,
    ApprovalKind? Kind, Severity? Severity, string? AlertId);

public sealed class ApprovalFilterInputType : InputObjectGraphType<ApprovalFilter>
{
    public ApprovalFilterInputType()
    {
        Name = "ApprovalFilterInput";
        Field<IdGraphType>("organizationId");
        Field<EnumerationGraphType<ApprovalStatus>>("status");
        Field<IdGraphType>("ruleId");
        Field(f => f.Text, nullable: true).Description("Case-insensitive search in the id, requester, justification, targets and rule name.");
        Field<EnumerationGraphType<ResponseActionType>>("actionType").Description("Requests proposing at least one action of this type.");
        Field<EnumerationGraphType<ApprovalKind>>("kind");
        Field<EnumerationGraphType<Severity>>("severity").Description("Requests whose alert has this severity.");
        Field<IdGraphType>("alertId");
    }
}

public sealed record DecideApprovalInput(string Id, string? Comment);

public sealed class DecideApprovalInputType : InputObjectGraphType<DecideApprovalInput>
{
    public DecideApprovalInputType()
    {
        Name = "DecideApprovalInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Comment, nullable: true);
    }
}

public sealed record ApprovalRequestPayload(ApprovalRequest? ApprovalRequest, IReadOnlyList<UserError> Errors);

public sealed class ApprovalRequestPayloadType : ObjectGraphType<ApprovalRequestPayload>
{
    public ApprovalRequestPayloadType()
    {
        Name = "ApprovalRequestPayload";
        Field<ApprovalRequestType>("approvalRequest").Resolve(c => c.Source.ApprovalRequest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public static class ApprovalsFeature
{
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section)
            .Validate(o => o.DefaultTimeout > TimeSpan.Zero, "Respond:Approvals:DefaultTimeout must be positive.")
            .Validate(o => o.RuleActivationTimeout > TimeSpan.Zero, "Respond:Approvals:RuleActivationTimeout must be positive.").ValidateOnStart();
        services.AddSingleton<IApprovalNoticeChannel, InAppNoticeChannel>().AddSingleton<ApprovalNotifier>()
            .AddSingleton<ApprovalEscalations>().AddScoped<EscalateApproval>().AddScoped<ApprovalEvidenceReader>();
        return services.AddScoped<DecideApproval>().AddSingleton<ApprovalDecisions>().AddScoped<ApprovalRequestOpener>().AddScoped<DecideApprovalRequests>().AddScoped<ApprovalRelations>()
            .AddSingleton<IAlertEvidenceFields, AlertApprovalRequests>();
    }

    public static IQueryable<ApprovalRequest> VisibleTo(this IQueryable<ApprovalRequest> query, RespondPrincipal by) =>
        query.WhereOrganizationVisibleTo(a => a.OrganizationId, by);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<ApprovalRequestType>>>("approvalRequests")
            .Description("The approvals inbox, newest first unless `order` says otherwise.")
            .PageArguments()
            .Argument<ApprovalFilterInputType>("where")
            .Argument<EnumerationGraphType<ApprovalOrder>>("order", "NEWEST (default) or EXPIRES_SOONEST.")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var db = c.Service<RespondDbContext>();
                var q = db.ApprovalRequests.AsNoTracking().VisibleTo(by).Matching(db, c.GetArgument<ApprovalFilter?>("where"));
                q = c.GetArgument<ApprovalOrder?>("order") == ApprovalOrder.ExpiresSoonest
                    ? q.OrderBy(a => a.ExpiresAt).ThenBy(a => a.Id)
                    : q.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id);
                var page = await q.ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), a => a, c.CancellationToken);
                c.Service<PrincipalNames>().Expect(page.Edges!.SelectMany(e => e.Node!.PrincipalIds));
                c.Service<ApprovalRelations>().Listed(page.Edges!.Select(e => e.Node!));
                return page;
            });
        query.Field<ApprovalRequestType>("approvalRequest").Argument<NonNullGraphType<IdGraphType>>("id")
            .Description("One request, as the decision page that chat and email links open shows it; null when it is not visible to you.")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var id = c.GetArgument<string>("id");
                var request = await c.Service<RespondDbContext>().ApprovalRequests.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(a => a.Id == id, c.CancellationToken);
                if (request is not null) c.Service<PrincipalNames>().Expect(request.PrincipalIds);
                return request;
            });
        PendingApprovalGroups.Query(query);
    }

    /// <summary>The inbox filters, shared by the list and its groups.</summary>
    public static IQueryable<ApprovalRequest> Matching(this IQueryable<ApprovalRequest> q, RespondDbContext db, ApprovalFilter? where)
    {
        if (where?.OrganizationId is { } org) q = q.Where(a => a.OrganizationId == org);
        if (where?.Status is { } status) q = q.Where(a => a.Status == status);
        if (where?.RuleId is { } rule) q = q.Where(a => a.RuleId == rule);
        if (where?.Kind is { } kind) q = q.Where(a => a.Kind == kind);
        if (where?.AlertId is { } alert) q = q.Where(a => a.AlertId == alert);
        // Stored proposals spell the type as the enum member (JsonStringEnumConverter), e.g. "type":"IsolateDevice".
        if (where?.ActionType is { } type)
        {
            var stored = $"\"type\":\"{type}\"";
            q = q.Where(a => a.ProposedActionsJson.Contains(stored));
        }
        if (where?.Severity is { } severity)
            q = q.Where(a => db.Alerts.Any(al => al.Id == a.AlertId && al.OrganizationId == a.OrganizationId && al.Severity == severity));
        if (!string.IsNullOrWhiteSpace(where?.Text))
        {
            var pattern = LikePattern.Containing(where.Text);
            q = q.Where(a => EF.Functions.Like(a.Id, pattern, LikePattern.Escape) || EF.Functions.Like(a.RequestedBy, pattern, LikePattern.Escape)
                || EF.Functions.Like(a.Justification!, pattern, LikePattern.Escape) || EF.Functions.Like(a.ProposedActionsJson, pattern, LikePattern.Escape)
                || db.Rules.Any(r => r.Id == a.RuleId && EF.Functions.Like(r.Name, pattern, LikePattern.Escape)));
        }
        return q;
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        DecideApprovalRequests.Mutation(mutation);
        mutation.Field<NonNullGraphType<ApprovalRequestPayloadType>>("approveRequest").Argument<NonNullGraphType<DecideApprovalInputType>>("input")
            .ResolveAsync(async c => await c.Service<ApprovalDecisions>().DecideAsync(c.GetArgument<DecideApprovalInput>("input"), ApprovalStatus.Approved,
                c.Require(ApprovalDecisions.DeciderRoles), c.CancellationToken));
        mutation.Field<NonNullGraphType<ApprovalRequestPayloadType>>("rejectRequest").Argument<NonNullGraphType<DecideApprovalInputType>>("input")
            .ResolveAsync(async c => await c.Service<ApprovalDecisions>().DecideAsync(c.GetArgument<DecideApprovalInput>("input"), ApprovalStatus.Rejected,
                c.Require(ApprovalDecisions.DeciderRoles), c.CancellationToken));
    }

    public static void Subscription(ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<ApprovalRequestType>>("approvalRequested").Argument<IdGraphType>("organizationId")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                return c.Service<RespondEvents>().Observe<ApprovalRequested, ApprovalRequest>(
                    e => by.CanSee(e.Request.OrganizationId) && (org is null || e.Request.OrganizationId == org), e => e.Request);
            });
        subscription.Field<NonNullGraphType<ApprovalRequestType>>("approvalDecided").Argument<IdGraphType>("organizationId")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                return c.Service<RespondEvents>().Observe<ApprovalDecided, ApprovalRequest>(
                    e => by.CanSee(e.Request.OrganizationId) && (org is null || e.Request.OrganizationId == org), e => e.Request);
            });
        subscription.Field<NonNullGraphType<ApprovalRequestType>>("approvalEscalated").Argument<IdGraphType>("organizationId")
            .Description("A request's escalation step fired: its newest notice says who was told; they may decide too where the request names its deciders.")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                return c.Service<RespondEvents>().Observe<ApprovalEscalated, ApprovalRequest>(
                    e => by.CanSee(e.Request.OrganizationId) && (org is null || e.Request.OrganizationId == org), e => e.Request);
            });
    }
}

internal static partial class ApprovalsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Approval request {ApprovalRequestId} changed while {PrincipalId} decided it; deciding again on the new state")]
    public static partial void DecisionRaced(ILogger logger, string approvalRequestId, string principalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval request {ApprovalRequestId} changed while its escalation step ran; running it again on the new state")]
    public static partial void EscalationRaced(ILogger logger, string approvalRequestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Channel} channel failed to tell about approval request {ApprovalRequestId} (escalation level {Level})")]
    public static partial void NoticeFailed(ILogger logger, Exception exception, string channel, string approvalRequestId, int level);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dual control: {PrincipalId} tried to decide their own request {ApprovalRequestId}")]
    public static partial void SelfDecisionRefused(ILogger logger, string approvalRequestId, string principalId);
}
