using System.Text.Json;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Settings;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Scripts;

public sealed record RunScriptInput(string ScriptId, int? ScriptVersion, JsonElement EventJson, string OrganizationId, bool? RequestApproval);

public sealed class RunScriptInputType : InputObjectGraphType<RunScriptInput>
{
    public RunScriptInputType()
    {
        Name = "RunScriptInput";
        Field<NonNullGraphType<IdGraphType>>("scriptId");
        Field(i => i.ScriptVersion, nullable: true).Description("A saved version; absent: the current one.");
        Field<NonNullGraphType<JsonGraphType>>("eventJson").Description("The event the script sees as Event (EventInput's shape).");
        Field<NonNullGraphType<IdGraphType>>("organizationId").Description("The organization the script sees as Organization.");
        Field(i => i.RequestApproval, nullable: true).Description(
            "True: the requested actions that need approval are put to the approvers as one approval request (dual control: never yours to decide). Default false: a pure dry run.");
    }
}

/// <summary>
/// A dry run of a library script in the worker pool, for the designer's "try it": the script runs for real (in a worker,
/// within its limits) but nothing it requests is executed. Each requested action comes back with whether it would
/// wait for approval under the organization's approval requirements, exactly as a rule's RUN_SCRIPT would route it.
/// </summary>
internal sealed class RunScript(RespondDbContext db, ScriptWorkerPool pool, AuditTrail audit, Approvals.ApprovalRequestOpener approvals, ILogger<RunScript> logger)
{
    public async Task<RunScriptPayload> ExecuteAsync(RunScriptInput input, RespondPrincipal by, CancellationToken ct)
    {
        var script = await db.Scripts.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(s => s.Id == input.ScriptId, ct);
        if (script is null) return RunScriptPayload.Fail(UserError.NotFound("script", "scriptId"));
        var organization = by.CanSee(input.OrganizationId)
            ? await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == input.OrganizationId, ct)
            : null;
        if (organization is null) return RunScriptPayload.Fail(UserError.NotFound("organization", "organizationId"));
        if (!script.Covers(organization.Id))
            return RunScriptPayload.Fail(new UserError(UserErrorCode.Validation, "The script does not apply to this organization.", "organizationId"));
        if (input.EventJson.ValueKind != JsonValueKind.Object)
            return RunScriptPayload.Fail(new UserError(UserErrorCode.Validation, "eventJson must be a JSON object (an event).", "eventJson"));
        var (version, source) = (script.Version, script.Source);
        if (input.ScriptVersion is { } requested && requested != script.Version)
        {
            var saved = await db.ScriptVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ScriptId == script.Id && v.Version == requested, ct);
            if (saved is null) return RunScriptPayload.Fail(new UserError(UserErrorCode.NotFound, $"The script has no version {requested}.", "scriptVersion"));
            (version, source) = (saved.Version, saved.Source);
        }

        var result = await pool.RunAsync(new ScriptJob(source, input.EventJson, new ScriptOrganization(organization.Id, organization.Name)), ct);
        if (!result.Succeeded) ScriptsLog.DryRunFailed(logger, script.Id, version, result.Duration.TotalMilliseconds);
        var actions = await RouteAsync(result.Actions, organization.Id, ct);
        audit.Record(by, "script.dryRun", "Script", script.Id, [organization.Id], null, new
        {
            Version = version,
            result.Succeeded,
            Actions = actions.Select(a => new { a.Type, a.Target, a.RequiresApproval }),
        });
        var needApproval = actions.Where(a => a.RequiresApproval).ToList();
        var request = input.RequestApproval == true && result.Succeeded && needApproval.Count > 0
            ? approvals.Open(organization.Id, by, needApproval.Select(a => new { a.Type, Target = a.Target, ScriptId = script.Id, ScriptVersion = version }),
                string.Join(" | ", needApproval.Select(a => a.Justification).Distinct()),
                terms: new Approvals.ApprovalTerms(await ApprovalsRequiredAsync(needApproval, organization.Id, ct)))
            : null;
        await db.SaveChangesAsync(ct);
        if (request is not null) approvals.Published(request);
        return new RunScriptPayload(result.Succeeded, result.Error, result.Logs, actions, result.Duration.TotalMilliseconds, version,
            result.ReturnValue, result.CacheHit, result.Diagnostics, []) { ApprovalRequest = request };
    }

    /// <summary>One request for all the script asks: it needs the largest quorum among their types.</summary>
    private async Task<int> ApprovalsRequiredAsync(IReadOnlyList<RunScriptAction> actions, string organizationId, CancellationToken ct)
    {
        var settings = await db.ForAsync(organizationId, ct);
        return actions.Max(a => a.ActionType is { } type ? settings.ApprovalPolicyFor(type).ApprovalsRequired : 1);
    }

    /// <summary>
    /// What the organization's approval requirements make of each request. An unknown type always needs approval (nothing unknown
    /// runs unreviewed); RUN_SCRIPT of a library script an Admin marked safe does not.
    /// </summary>
    private async Task<IReadOnlyList<RunScriptAction>> RouteAsync(IReadOnlyList<RequestedAction> requested, string organizationId, CancellationToken ct)
    {
        if (requested.Count == 0) return [];
        var approvalRequired = (await db.ForAsync(organizationId, ct)).ApprovalRequired.ToHashSet();
        var routed = new List<RunScriptAction>(requested.Count);
        foreach (var action in requested)
        {
            var known = ApiEnumName.TryParse<ResponseActionType>(action.Type, out var type);
            var requiresApproval = !known || approvalRequired.Contains(type);
            if (known && type == ResponseActionType.RunScript && requiresApproval)
                requiresApproval = !await db.Scripts.AsNoTracking().AnyAsync(s => s.Id == action.Target && s.IsSafe, ct);
            routed.Add(new RunScriptAction(action.Type, known ? type : null, action.Target, action.Justification, requiresApproval));
        }
        return routed;
    }
}

public sealed record RunScriptAction(string Type, ResponseActionType? ActionType, string Target, string Justification, bool RequiresApproval);

public sealed class RunScriptActionType : ObjectGraphType<RunScriptAction>
{
    public RunScriptActionType()
    {
        Name = "ScriptRequestedAction";
        Description = "An action a script asked for. A dry run executes nothing; a rule's run routes it through approval.";
        Field(a => a.Type).Description("As the script wrote it, e.g. ISOLATE_DEVICE.");
        Field<EnumerationGraphType<ResponseActionType>>("actionType").Description("Null when the type is not a known response action.")
            .Resolve(c => c.Source.ActionType);
        Field(a => a.Target);
        Field(a => a.Justification);
        Field(a => a.RequiresApproval).Description("Whether it would wait for approval (dual control) under the organization's approval requirements.");
    }
}

public sealed record RunScriptPayload(bool Succeeded, string? Error, IReadOnlyList<string> Logs, IReadOnlyList<RunScriptAction> RequestedActions,
    double DurationMs, int? ScriptVersion, string? ReturnValue, bool CacheHit, IReadOnlyList<ScriptDiagnostic> Diagnostics, IReadOnlyList<UserError> Errors)
{
    public static RunScriptPayload Fail(params UserError[] errors) => new(false, null, [], [], 0, null, null, false, [], errors);

    public Approvals.ApprovalRequest? ApprovalRequest { get; init; }
}

public sealed class RunScriptPayloadType : ObjectGraphType<RunScriptPayload>
{
    public RunScriptPayloadType()
    {
        Name = "RunScriptPayload";
        Field(p => p.Succeeded);
        Field(p => p.Error, nullable: true).Description("Why the run failed: refused, threw, or killed past a limit.");
        Field(p => p.Logs);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RunScriptActionType>>>>("requestedActions").Resolve(c => c.Source.RequestedActions);
        Field(p => p.DurationMs);
        Field(p => p.ScriptVersion, nullable: true).Description("The version that ran.");
        Field(p => p.ReturnValue, nullable: true).Description("The script's final expression as text, if any.");
        Field(p => p.CacheHit).Description("Whether the worker reused a compiled copy of this source.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScriptDiagnosticType>>>>("diagnostics").Resolve(c => c.Source.Diagnostics);
        Field<Approvals.ApprovalRequestType>("approvalRequest").Description("With requestApproval: the request now waiting for a different approver.")
            .Resolve(c => c.Source.ApprovalRequest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
