using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Connectors;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Organizations;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Actions;

public sealed class ResponseActionTargetType : ObjectGraphType<ActionTarget>
{
    public ResponseActionTargetType()
    {
        Name = "ResponseActionTarget";
        Field(t => t.DeviceId, nullable: true);
        Field(t => t.UserId, nullable: true);
        Field(t => t.Ip, nullable: true).Description("An address or CIDR, canonical form.");
        Field(t => t.ProcessId, nullable: true);
        Field(t => t.FilePath, nullable: true);
        Field(t => t.FileSha256, nullable: true);
    }
}

public sealed class ResponseActionTargetInputType : InputObjectGraphType<ActionTarget>
{
    public ResponseActionTargetInputType()
    {
        Name = "ResponseActionTargetInput";
        Description = "What the action acts on; which fields a type needs is in docs/actions.md (e.g. KILL_PROCESS: deviceId and processId).";
        Field(t => t.DeviceId, nullable: true);
        Field(t => t.UserId, nullable: true).Description("An Entra object id, a user principal name or an account name.");
        Field(t => t.Ip, nullable: true).Description("IPv4/IPv6 address or CIDR (at most /8 resp. /16 wide).");
        Field(t => t.ProcessId, nullable: true);
        Field(t => t.FilePath, nullable: true).Description("Absolute path.");
        Field(t => t.FileSha256, nullable: true).Description("Optional: quarantine refuses a file whose hash differs.");
    }
}

public sealed class ResponseActionTransitionType : ObjectGraphType<ResponseActionTransition>
{
    public ResponseActionTransitionType()
    {
        Name = "ResponseActionTransition";
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionStatus>>>("status").Resolve(c => c.Source.Status);
        Field(t => t.At);
        Field(t => t.Actor).Description("A principal id, or engine / auto-response / system.");
        Field<NonNullGraphType<StringGraphType>>("actorName").Description("Who, by name: a user's user name, an API client's id, or Respond's own words.")
            .ResolveAsync(async c => await c.Service<PrincipalNames>().NameAsync(c.Source.Actor, c.CancellationToken));
        Field(t => t.Reason, nullable: true);
    }
}

public sealed class ResponseActionGraphType : ObjectGraphType<ResponseAction>
{
    public ResponseActionGraphType()
    {
        Name = "ResponseAction";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type").Resolve(c => c.Source.Type);
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<ResponseActionTargetType>>("target").Resolve(c => c.Source.Target);
        Field<NonNullGraphType<JsonGraphType>>("parameters").Resolve(c => JsonDocument.Parse(c.Source.ParametersJson).RootElement.Clone());
        Field(a => a.Justification, nullable: true);
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionSource>>>("source").Resolve(c => c.Source.Source);
        Field(a => a.Automatic).Description("Ran without a person's approval (AUTOMATIC rule or auto-response inside the active hours).");
        Field(a => a.SubmittedBy).Description("A principal id, or engine / auto-response for automatic submissions.");
        Field(a => a.SubmittedAt);
        Field<IdGraphType>("alertId").Resolve(c => c.Source.AlertId);
        Field<IdGraphType>("ruleId").Resolve(c => c.Source.RuleId);
        Field(a => a.RuleVersion, nullable: true);
        Field<IdGraphType>("approvalRequestId").Resolve(c => c.Source.ApprovalRequestId);
        Field(a => a.ApprovalReason, nullable: true).Description("Why it needed approval: dual control, always-approve, protected target, blast-radius guard.");
        Field<IdGraphType>("bulkGroupId").Resolve(c => c.Source.BulkGroupId);
        Field<IdGraphType>("parentActionId").Resolve(c => c.Source.ParentActionId).Description("The RUN_SCRIPT action whose script requested this one.");
        Field<EnumerationGraphType<ConnectorKind>>("connector").Resolve(c => c.Source.Connector);
        Field(a => a.Attempts);
        Field(a => a.NextAttemptAt, nullable: true).Description("When a retry after a transient failure is due.");
        Field(a => a.StartedAt, nullable: true);
        Field(a => a.EndedAt, nullable: true);
        Field(a => a.Result, nullable: true).Description("What the connector reported.");
        Field(a => a.FailureReason, nullable: true);
        Field<JsonGraphType>("facts").Description("What the connector recorded for verification and rollback (e.g. the quarantine location).")
            .Resolve(c => c.Source.FactsJson is null ? null : JsonDocument.Parse(c.Source.FactsJson).RootElement.Clone());
        Field<NonNullGraphType<EnumerationGraphType<VerificationStatus>>>("verificationStatus").Resolve(c => c.Source.VerificationStatus);
        Field(a => a.VerificationDetails, nullable: true);
        Field(a => a.VerifiedAt, nullable: true);
        Field<IdGraphType>("rollbackOf").Resolve(c => c.Source.RollbackOf).Description("The action this one undoes.");
        Field<IdGraphType>("rolledBackBy").Resolve(c => c.Source.RolledBackBy).Description("The action that undoes this one.");
        Field<NonNullGraphType<BooleanGraphType>>("canRollBack").Description("Completed, reversible and not rolled back yet.")
            .Resolve(c => ActionCommands.RollbackProblem(c.Source) is null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseActionTransitionType>>>>("timeline").Resolve(c =>
        {
            c.Service<PrincipalNames>().Expect(c.Source.Timeline.Select(t => t.Actor));
            return c.Source.Timeline;
        });
    }
}

public sealed record ResponseActionFilter(string? OrganizationId, ResponseActionStatus? Status, ResponseActionType? Type, string? AlertId,
    string? BulkGroupId, string? RuleId, ResponseActionSource? Source);

public sealed class ResponseActionFilterInputType : InputObjectGraphType<ResponseActionFilter>
{
    public ResponseActionFilterInputType()
    {
        Name = "ResponseActionFilterInput";
        Field<IdGraphType>("organizationId");
        Field<EnumerationGraphType<ResponseActionStatus>>("status");
        Field<EnumerationGraphType<ResponseActionType>>("type");
        Field<IdGraphType>("alertId");
        Field<IdGraphType>("bulkGroupId");
        Field<IdGraphType>("ruleId");
        Field<EnumerationGraphType<ResponseActionSource>>("source");
    }
}

public sealed record SubmitResponseActionInput(string OrganizationId, ResponseActionType Type, ActionTarget Target,
    JsonElement? Parameters, string? Justification, string? AlertId);

public sealed record SubmitBulkResponseActionInput(string OrganizationId, ResponseActionType Type, List<ActionTarget> Targets,
    JsonElement? Parameters, string? Justification, string? AlertId);

public sealed class SubmitResponseActionInputType : InputObjectGraphType<SubmitResponseActionInput>
{
    public SubmitResponseActionInputType()
    {
        Name = "SubmitResponseActionInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type");
        Field<NonNullGraphType<ResponseActionTargetInputType>>("target");
        Field<JsonGraphType>("parameters").Description("Type-specific, a JSON object; RUN_SCRIPT: { scriptId, scriptVersion? } or { script }.");
        Field<NonNullGraphType<StringGraphType>>("justification").Description("Why (seed 002: every manual action carries one).");
        Field<IdGraphType>("alertId").Description("The alert this responds to.");
    }
}

public sealed class SubmitBulkResponseActionInputType : InputObjectGraphType<SubmitBulkResponseActionInput>
{
    public SubmitBulkResponseActionInputType()
    {
        Name = "SubmitBulkResponseActionInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseActionTargetInputType>>>>("targets");
        Field<JsonGraphType>("parameters");
        Field<NonNullGraphType<StringGraphType>>("justification");
        Field<IdGraphType>("alertId");
    }
}

public sealed record ResponseActionPayload(ResponseAction? ResponseAction, ApprovalRequest? ApprovalRequest, IReadOnlyList<UserError> Errors);

public sealed class ResponseActionPayloadType : ObjectGraphType<ResponseActionPayload>
{
    public ResponseActionPayloadType()
    {
        Name = "ResponseActionPayload";
        Field<ResponseActionGraphType>("responseAction").Resolve(c => c.Source.ResponseAction);
        Field<ApprovalRequestType>("approvalRequest").Description("When the action waits for approval: the request a different approver decides.")
            .Resolve(c => c.Source.ApprovalRequest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record BulkTargetResult(int Index, ResponseAction? ResponseAction, ApprovalRequest? ApprovalRequest, IReadOnlyList<UserError> Errors);

public sealed class BulkTargetResultType : ObjectGraphType<BulkTargetResult>
{
    public BulkTargetResultType()
    {
        Name = "BulkTargetResult";
        Field(r => r.Index).Description("The position of the target in the input.");
        Field<ResponseActionGraphType>("responseAction").Resolve(c => c.Source.ResponseAction);
        Field<ApprovalRequestType>("approvalRequest").Resolve(c => c.Source.ApprovalRequest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record BulkResponseActionPayload(string? BulkGroupId, IReadOnlyList<BulkTargetResult> Results, IReadOnlyList<UserError> Errors);

public sealed class BulkResponseActionPayloadType : ObjectGraphType<BulkResponseActionPayload>
{
    public BulkResponseActionPayloadType()
    {
        Name = "BulkResponseActionPayload";
        Field<IdGraphType>("bulkGroupId").Resolve(c => c.Source.BulkGroupId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseActionGraphType>>>>("responseActions").Description("One per accepted target.")
            .Resolve(c => c.Source.Results.Where(r => r.ResponseAction is not null).Select(r => r.ResponseAction!).ToList());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<BulkTargetResultType>>>>("results").Description("One per target, in input order: its action or why it was refused.")
            .Resolve(c => c.Source.Results);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Description("Errors about the whole submission; per-target errors are in results.")
            .Resolve(c => c.Source.Errors);
    }
}

public sealed record CancelResponseActionInput(string Id, string? Reason);

public sealed class CancelResponseActionInputType : InputObjectGraphType<CancelResponseActionInput>
{
    public CancelResponseActionInputType()
    {
        Name = "CancelResponseActionInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Reason, nullable: true);
    }
}

public sealed record RollbackResponseActionInput(string Id, string? Justification);

public sealed class RollbackResponseActionInputType : InputObjectGraphType<RollbackResponseActionInput>
{
    public RollbackResponseActionInputType()
    {
        Name = "RollbackResponseActionInput";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The completed action to undo.");
        Field<NonNullGraphType<StringGraphType>>("justification");
    }
}

public static class ActionsFeature
{
    public static IServiceCollection AddResponseActions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ActionOptions>().Bind(configuration.GetSection(ActionOptions.Section))
            .Validate(o => o.VerificationDelay >= TimeSpan.Zero && o.MaxAttempts >= 1 && o.RetryBaseDelay > TimeSpan.Zero && o.BlastRadius.MaxAutomaticActions >= 0,
                "Respond:Actions needs VerificationDelay >= 0, MaxAttempts >= 1, RetryBaseDelay > 0 and BlastRadius:MaxAutomaticActions >= 0.")
            .ValidateOnStart();
        services.AddSingleton<ActionScheduler>();
        services.AddScoped<ActionLifecycle>();
        services.AddScoped<ActionPolicy>();
        services.AddSingleton<Alerts.IAlertEvidenceFields, AlertResponseActions>();
        services.AddScoped<ActionSubmitter>();
        services.AddScoped<ActionRunner>();
        services.AddScoped<IActionResults>(sp => sp.GetRequiredService<ActionRunner>());
        services.AddScoped<AutoResponder>();
        services.AddScoped<ActionCommands>();
        services.AddScoped<IActionDispatcher, RuleActionDispatcher>();
        return services;
    }

    /// <summary>Start-up: give queued actions their jobs back and settle executions a stop cut off.</summary>
    public static async Task RecoverActionsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ActionRunner>().RecoverAsync(services.GetRequiredService<ActionScheduler>(), ct);
    }

    public static IQueryable<ResponseAction> VisibleTo(this IQueryable<ResponseAction> query, RespondPrincipal by) =>
        query.WhereOrganizationVisibleTo(a => a.OrganizationId, by);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<ResponseActionGraphType>>>("responseActions")
            .Description("Response actions, newest first.")
            .PageArguments()
            .Argument<ResponseActionFilterInputType>("where")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var where = c.GetArgument<ResponseActionFilter?>("where");
                var q = c.Service<RespondDbContext>().ResponseActions.AsNoTracking().VisibleTo(by);
                if (where?.OrganizationId is { } org) q = q.Where(a => a.OrganizationId == org);
                if (where?.Status is { } status) q = q.Where(a => a.Status == status);
                if (where?.Type is { } type) q = q.Where(a => a.Type == type);
                if (where?.AlertId is { } alert) q = q.Where(a => a.AlertId == alert);
                if (where?.BulkGroupId is { } bulk) q = q.Where(a => a.BulkGroupId == bulk);
                if (where?.RuleId is { } rule) q = q.Where(a => a.RuleId == rule);
                if (where?.Source is { } source) q = q.Where(a => a.Source == source);
                var page = await q.OrderByDescending(a => a.SubmittedAt).ThenBy(a => a.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), a => a, c.CancellationToken);
                c.Service<PrincipalNames>().Expect(page.Edges!.SelectMany(e => e.Node!.Timeline.Select(t => t.Actor)));
                return page;
            });
        query.Field<ResponseActionGraphType>("responseAction").Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var id = c.GetArgument<string>("id");
                return await c.Service<RespondDbContext>().ResponseActions.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(a => a.Id == id, c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ResponseActionPayloadType>>("submitResponseAction").Argument<NonNullGraphType<SubmitResponseActionInputType>>("input")
            .ResolveAsync(async c => await c.Service<ActionCommands>().SubmitAsync(c.GetArgument<SubmitResponseActionInput>("input"),
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
        mutation.Field<NonNullGraphType<BulkResponseActionPayloadType>>("submitBulkResponseAction").Argument<NonNullGraphType<SubmitBulkResponseActionInputType>>("input")
            .ResolveAsync(async c => await c.Service<ActionCommands>().SubmitBulkAsync(c.GetArgument<SubmitBulkResponseActionInput>("input"),
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
        mutation.Field<NonNullGraphType<ResponseActionPayloadType>>("cancelResponseAction").Argument<NonNullGraphType<CancelResponseActionInputType>>("input")
            .ResolveAsync(async c => await c.Service<ActionCommands>().CancelAsync(c.GetArgument<CancelResponseActionInput>("input"),
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
        mutation.Field<NonNullGraphType<ResponseActionPayloadType>>("rollbackResponseAction").Argument<NonNullGraphType<RollbackResponseActionInputType>>("input")
            .Description("Submits the compensating action (isolate → unisolate, block IP → unblock IP, quarantine → restore, block sign-in → unblock), linked to the original, through the same approval rules.")
            .ResolveAsync(async c => await c.Service<ActionCommands>().RollbackAsync(c.GetArgument<RollbackResponseActionInput>("input"),
                c.Require(Roles.Admin, Roles.Responder), c.CancellationToken));
    }

    public static void Subscription(ObjectGraphType subscription) =>
        subscription.Field<NonNullGraphType<ResponseActionGraphType>>("responseActionUpdated")
            .Argument<IdGraphType>("organizationId").Argument<IdGraphType>("id")
            .ResolveStream(c =>
            {
                var by = c.RequireReader();
                var org = c.GetArgument<string?>("organizationId");
                var id = c.GetArgument<string?>("id");
                return c.Service<RespondEvents>().Observe<ResponseActionUpdated, ResponseAction>(
                    e => by.CanSee(e.Action.OrganizationId) && (org is null || e.Action.OrganizationId == org) && (id is null || e.Action.Id == id), e => e.Action);
            });
}

/// <summary>The people-facing commands: submit (one or bulk), cancel, roll back.</summary>
public sealed class ActionCommands(RespondDbContext db, ActionSubmitter submitter, ActionLifecycle lifecycle, Microsoft.Extensions.Options.IOptions<ActionOptions> options, TimeProvider time)
{
    public async Task<ResponseActionPayload> SubmitAsync(SubmitResponseActionInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await CheckCommonAsync(input.OrganizationId, input.Justification, input.AlertId, by, ct) is { } error) return new ResponseActionPayload(null, null, [error]);
        if (ParseParameters(input.Parameters) is not { } parameters) return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.Validation, "parameters must be a JSON object.", "parameters")]);
        var submission = await submitter.SubmitAsync(Request(input.OrganizationId, input.Type, input.Target, parameters, input.Justification, input.AlertId, null), by, "target", ct);
        if (submission.Action is null) return new ResponseActionPayload(null, null, submission.Errors);
        await db.SaveChangesAsync(ct);
        await lifecycle.FlushAsync(ct);
        return new ResponseActionPayload(submission.Action, submission.ApprovalRequest, []);
    }

    /// <summary>One action per target, sharing a bulk group id, each routed, approved, executed and audited on its own; a refused target does not stop the others.</summary>
    public async Task<BulkResponseActionPayload> SubmitBulkAsync(SubmitBulkResponseActionInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (await CheckCommonAsync(input.OrganizationId, input.Justification, input.AlertId, by, ct) is { } error) return new BulkResponseActionPayload(null, [], [error]);
        var targets = input.Targets ?? [];
        if (targets.Count == 0 || targets.Count > options.Value.MaxBulkTargets)
            return new BulkResponseActionPayload(null, [], [new UserError(UserErrorCode.Validation, $"targets must hold 1 to {options.Value.MaxBulkTargets} targets.", "targets")]);
        if (ParseParameters(input.Parameters) is not { } parameters)
            return new BulkResponseActionPayload(null, [], [new UserError(UserErrorCode.Validation, "parameters must be a JSON object.", "parameters")]);
        if (await submitter.MissingConnectionAsync(input.OrganizationId, input.Type, ct) is { } missing)
            return new BulkResponseActionPayload(null, [], [new UserError(UserErrorCode.NoConnection, missing, "type")]);
        var group = "bulk-" + Guid.NewGuid().ToString("N")[..16];
        var results = new List<BulkTargetResult>();
        for (var i = 0; i < targets.Count; i++)
        {
            var s = await submitter.SubmitAsync(Request(input.OrganizationId, input.Type, targets[i], (JsonObject)parameters.DeepClone(), input.Justification, input.AlertId, group), by, $"targets.{i}", ct);
            results.Add(new BulkTargetResult(i, s.Action, s.ApprovalRequest, s.Errors));
        }
        if (results.All(r => r.ResponseAction is null)) return new BulkResponseActionPayload(null, results, [new UserError(UserErrorCode.Validation, "No target was accepted.", "targets")]);
        await db.SaveChangesAsync(ct);
        await lifecycle.FlushAsync(ct);
        return new BulkResponseActionPayload(group, results, []);
    }

    public async Task<ResponseActionPayload> CancelAsync(CancelResponseActionInput input, RespondPrincipal by, CancellationToken ct)
    {
        var action = await db.ResponseActions.VisibleTo(by).SingleOrDefaultAsync(a => a.Id == input.Id, ct);
        if (action is null) return new ResponseActionPayload(null, null, [UserError.NotFound("response action")]);
        if (!ResponseAction.CanMove(action.Status, ResponseActionStatus.Cancelled) || action.Status == ResponseActionStatus.Executing)
            return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.InvalidState, action.Status == ResponseActionStatus.Executing
                ? "Execution has already started; an executing action cannot be cancelled. Roll it back once it completes."
                : $"The action is already {ApiEnumName.Format(action.Status)}.", "id")]);
        var reason = $"Cancelled by {by.Name}.{(input.Reason is { Length: > 0 } r ? " " + r : "")}";
        if (action.Status == ResponseActionStatus.PendingApproval && action.ApprovalRequestId is { } requestId
            && await db.ApprovalRequests.SingleOrDefaultAsync(x => x.Id == requestId && x.Status == ApprovalStatus.Pending, ct) is { } request
            && !await db.ResponseActions.AnyAsync(a => a.ApprovalRequestId == requestId && a.Id != action.Id && a.Status == ResponseActionStatus.PendingApproval, ct))
        {
            request.Decide(ApprovalStatus.Cancelled, by.Id, reason, time.GetUtcNow());
            lifecycle.Publish(new ApprovalDecided(request));
            lifecycle.Unschedule(ActionJobKind.ExpireApproval, requestId);
        }
        lifecycle.Move(action, ResponseActionStatus.Cancelled, by, reason);
        lifecycle.Unschedule(ActionJobKind.Execute, action.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.InvalidState, "The action changed at the same moment (execution started or a decision was made); reload it.", "id")]);
        }
        await lifecycle.FlushAsync(ct);
        return new ResponseActionPayload(action, null, []);
    }

    public async Task<ResponseActionPayload> RollbackAsync(RollbackResponseActionInput input, RespondPrincipal by, CancellationToken ct)
    {
        var original = await db.ResponseActions.VisibleTo(by).SingleOrDefaultAsync(a => a.Id == input.Id, ct);
        if (original is null) return new ResponseActionPayload(null, null, [UserError.NotFound("response action")]);
        if (RollbackProblem(original) is { } problem) return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.NotReversible, problem, "id")]);
        if (string.IsNullOrWhiteSpace(input.Justification)) return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.Validation, "A justification is required.", "justification")]);
        var compensation = ResponseActionTypes.Compensations[original.Type];
        var submission = await submitter.SubmitAsync(new ActionRequest(original.OrganizationId, compensation,
            original.Type == ResponseActionType.QuarantineFile ? original.Target with { FileSha256 = null } : original.Target,
            JsonNode.Parse(original.ParametersJson) as JsonObject ?? [], input.Justification, ResponseActionSource.Rollback,
            AlertId: original.AlertId, RuleId: original.RuleId, RollbackOf: original.Id), by, "id", ct);
        if (submission.Action is null) return new ResponseActionPayload(null, null, submission.Errors);
        original.RolledBackBy = submission.Action.Id;
        original.Version++;
        lifecycle.Changed(original);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ResponseActionPayload(null, null, [new UserError(UserErrorCode.AlreadyRolledBack, "Someone rolled this action back at the same moment.", "id")]);
        }
        await lifecycle.FlushAsync(ct);
        return new ResponseActionPayload(submission.Action, submission.ApprovalRequest, []);
    }

    public static string? RollbackProblem(ResponseAction action) =>
        !ResponseActionTypes.Compensations.ContainsKey(action.Type) ? $"{ApiEnumName.Format(action.Type)} has no compensating action."
        : action.Status != ResponseActionStatus.Completed ? $"Only a COMPLETED action can be rolled back; this one is {ApiEnumName.Format(action.Status)}."
        : action.RolledBackBy is not null ? $"Already rolled back by {action.RolledBackBy}."
        : null;

    private async Task<UserError?> CheckCommonAsync(string organizationId, string? justification, string? alertId, RespondPrincipal by, CancellationToken ct)
    {
        if (!by.CanSee(organizationId) || !await db.Organizations.AnyAsync(o => o.Id == organizationId, ct))
            return UserError.NotFound("organization", "organizationId");
        if (string.IsNullOrWhiteSpace(justification))
            return new UserError(UserErrorCode.Validation, "A justification is required: say why this action is needed.", "justification");
        if (alertId is not null && !await db.Alerts.AnyAsync(a => a.Id == alertId && a.OrganizationId == organizationId, ct))
            return new UserError(UserErrorCode.NotFound, "No alert with that id in this organization.", "alertId");
        return null;
    }

    private static JsonObject? ParseParameters(JsonElement? parameters) => parameters is { } p
        ? p.ValueKind == JsonValueKind.Object ? JsonNode.Parse(p.GetRawText())!.AsObject() : p.ValueKind == JsonValueKind.Null ? [] : null
        : [];

    private static ActionRequest Request(string organizationId, ResponseActionType type, ActionTarget target, JsonObject parameters, string? justification, string? alertId, string? bulkGroupId) =>
        new(organizationId, type, target, parameters, justification!.Trim(), ResponseActionSource.Manual, AlertId: alertId, BulkGroupId: bulkGroupId);
}
