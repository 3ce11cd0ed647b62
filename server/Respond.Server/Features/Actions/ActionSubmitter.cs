using Respond.Server.Features.Alerts;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Settings;
using Respond.Server.Connectors;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Organizations;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Actions;

/// <summary>The identities automatic work acts as in the audit trail and on approval requests.</summary>
public static class ActionActors
{
    public static RespondPrincipal Engine { get; } = new(ApprovalRequest.Engine, "Rule engine", new HashSet<string>(), new HashSet<string>([RespondPrincipal.AllOrganizations]));
    public static RespondPrincipal AutoResponse { get; } = new("auto-response", "Auto-response", new HashSet<string>(), new HashSet<string>([RespondPrincipal.AllOrganizations]));
}

/// <summary>Everything a submission says; the submitter validates it and decides its route.</summary>
public sealed record ActionRequest(
    string OrganizationId,
    ResponseActionType Type,
    ActionTarget Target,
    JsonObject Parameters,
    string? Justification,
    ResponseActionSource Source,
    bool Automatic = false,
    bool HumanApproved = false,
    string? AlertId = null,
    string? RuleId = null,
    int? RuleVersion = null,
    string? WorkflowInstanceId = null,
    string? BulkGroupId = null,
    string? RollbackOf = null,
    string? ParentActionId = null,
    string? ApprovalRequestId = null);

public sealed record Submission(ResponseAction? Action, ApprovalRequest? ApprovalRequest, IReadOnlyList<UserError> Errors);

/// <summary>
/// The one way an action comes into being, whoever asks (a responder, a rule, auto-response, a rollback, a script):
/// the target is validated, a HEALTHY connection that can do the type must exist, and the policy decides whether a
/// person must approve first. The caller saves, then flushes the <see cref="ActionLifecycle"/>.
/// </summary>
public sealed class ActionSubmitter(RespondDbContext db, ActionPolicy policy, ActionLifecycle lifecycle, ApprovalRequestOpener approvals,
    IEnumerable<IConnector> connectors, TimeProvider time)
{
    public const int MaxParametersBytes = 16 * 1024;
    public const int MaxJustificationLength = 2000;

    public async Task<Submission> SubmitAsync(ActionRequest request, RespondPrincipal actor, string targetPath, CancellationToken ct)
    {
        var errors = new List<UserError>();
        var target = ActionTargets.Validate(request.Type, request.Target, targetPath, errors);
        if (request.Parameters.ToJsonString().Length > MaxParametersBytes)
            errors.Add(UserError.At(UserErrorCode.Validation, $"parameters are larger than {MaxParametersBytes / 1024} KB.", "parameters"));
        if (request.Justification is { Length: > MaxJustificationLength })
            errors.Add(UserError.At(UserErrorCode.Validation, $"justification is longer than {MaxJustificationLength} characters.", "justification"));
        if (request.Type == ResponseActionType.RunScript && await RunScriptParameters.ProblemAsync(db, request.Parameters, request.OrganizationId, ct) is { } problem)
            errors.Add(UserError.At(UserErrorCode.Validation, problem, "parameters"));
        if (errors.Count > 0) return new Submission(null, null, errors);
        if (await MissingConnectionAsync(request.OrganizationId, request.Type, ct) is { } missing)
            return new Submission(null, null, [UserError.At(UserErrorCode.NoConnection, missing, "type")]);

        var settings = await db.ForAsync(request.OrganizationId, ct);
        var action = new ResponseAction
        {
            Id = "act-" + Guid.NewGuid().ToString("N")[..16],
            OrganizationId = request.OrganizationId,
            Type = request.Type,
            DeviceId = target.DeviceId,
            UserId = target.UserId,
            Ip = target.Ip,
            ProcessId = target.ProcessId,
            FilePath = target.FilePath,
            FileSha256 = target.FileSha256,
            ParametersJson = request.Parameters.ToJsonString(),
            Justification = request.Justification,
            Source = request.Source,
            SubmittedBy = actor.Id,
            SubmittedAt = time.GetUtcNow(),
            AlertId = request.AlertId,
            RuleId = request.RuleId,
            RuleVersion = request.RuleVersion,
            WorkflowInstanceId = request.WorkflowInstanceId,
            BulkGroupId = request.BulkGroupId,
            RollbackOf = request.RollbackOf,
            ParentActionId = request.ParentActionId,
            ApprovalRequestId = request.ApprovalRequestId,
        };
        var route = await policy.RouteAsync(action, settings, request.Automatic, request.HumanApproved, ct);
        action.Automatic = route.Automatic;
        db.ResponseActions.Add(action);
        if (route.BlastRadiusTripped) await RaiseBlastRadiusAlertAsync(action, route.Reason!, ct);

        ApprovalRequest? approval = null;
        if (route.RequiresApproval)
        {
            action.ApprovalReason = route.Reason;
            approval = approvals.Open(action.OrganizationId, actor, new[] { Proposed(action) },
                request.Justification is { Length: > 0 } j ? j : route.Reason, action.AlertId, action.RuleId, Terms(settings.ApprovalPolicyFor(action.Type)));
            action.ApprovalRequestId = approval.Id;
            lifecycle.Begin(action, ResponseActionStatus.PendingApproval, actor, route.Reason);
            lifecycle.Publish(new ApprovalRequested(approval));
            lifecycle.Schedule(ActionJobKind.ExpireApproval, approval.Id, approval.ExpiresAt);
            if (approval.NextEscalationAt is { } escalation) lifecycle.Schedule(ActionJobKind.EscalateApproval, approval.Id, escalation);
        }
        else
        {
            lifecycle.Begin(action, ResponseActionStatus.Queued, actor, route.Automatic ? "Automatic: no approval needed." : null);
        }
        return new Submission(action, approval, []);
    }

    private static ApprovalTerms Terms(ActionApprovalPolicy policy) =>
        new(policy.ApprovalsRequired, policy.Approvers, policy.Escalation, policy.Timeout, policy.Fallback, policy.AutoApproveReason);

    /// <summary>Why this organization cannot do this type now, or null. RUN_SCRIPT runs in Respond's own sandbox and needs no connector.</summary>
    public async Task<string?> MissingConnectionAsync(string organizationId, ResponseActionType type, CancellationToken ct)
    {
        if (type == ResponseActionType.RunScript) return null;
        var connections = await db.Connections.AsNoTracking().Where(c => c.OrganizationId == organizationId).ToListAsync(ct);
        if (FindConnection(connections, type) is not null) return null;
        var typeName = ApiEnumName.Format(type);
        var able = connectors.Where(c => c.Capabilities.Contains(type)).Select(c => ApiEnumName.Format(c.Kind)).ToList();
        var state = connections.Count == 0
            ? "it has no connection"
            : "its connections are " + string.Join(", ", connections.Select(c => $"{ApiEnumName.Format(c.Connector)} {ApiEnumName.Format(c.Status)}{(c.LastError is null ? "" : $" ({c.LastError})")}"));
        return $"Organization {organizationId} cannot run {typeName}: it needs a HEALTHY connection of a connector that supports it ({string.Join(", ", able)}), and {state}. Connect one in Manage Connections and test it.";
    }

    public OrganizationConnection? FindConnection(IEnumerable<OrganizationConnection> connections, ResponseActionType type) =>
        connections.Where(c => c.Status == ConnectionStatus.Healthy)
            .FirstOrDefault(c => connectors.Single(k => k.Kind == c.Connector).Capabilities.Contains(type));

    private async Task RaiseBlastRadiusAlertAsync(ResponseAction action, string reason, CancellationToken ct)
    {
        // One alert per rule, type and organization while it stays open; further held actions only add to the trail.
        var groupKey = $"{action.RuleId ?? "auto-response"}:{ApiEnumName.Format(action.Type)}";
        var open = await db.Alerts.AnyAsync(a => a.RuleId == SystemAlerts.BlastRadiusRule && a.OrganizationId == action.OrganizationId
            && a.GroupKey == groupKey && a.Status != Alerts.AlertStatus.Closed, ct)
            || db.ChangeTracker.Entries<Alerts.Alert>().Any(e => e.State == EntityState.Added && e.Entity.RuleId == SystemAlerts.BlastRadiusRule && e.Entity.GroupKey == groupKey && e.Entity.OrganizationId == action.OrganizationId);
        if (open) return;
        var alert = SystemAlerts.Create(SystemAlerts.BlastRadiusRule, "Respond: blast-radius guard", action.OrganizationId,
            $"Automatic {ApiEnumName.Format(action.Type)} held for approval: the blast-radius limit was reached", Severity.High, groupKey,
            new { Reason = reason, action.RuleId, ActionId = action.Id }, time.GetUtcNow());
        db.Alerts.Add(alert);
        lifecycle.Publish(alert);
    }

    public static ProposedActionView Proposed(ResponseAction action) => new(action.Type,
        new Dictionary<string, string?>
        {
            ["deviceId"] = action.DeviceId,
            ["userId"] = action.UserId,
            ["ip"] = action.Ip,
            ["processId"] = action.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["filePath"] = action.FilePath,
            ["fileSha256"] = action.FileSha256,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!), action.ParametersJson, null, action.Id);
}

/// <summary>RUN_SCRIPT parameters: <c>{ scriptId, scriptVersion? }</c> from the library or <c>{ script }</c> inline source.</summary>
public static class RunScriptParameters
{
    public static string? ScriptId(string parametersJson) =>
        JsonNode.Parse(parametersJson) is JsonObject o && o["scriptId"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;

    public static async Task<string?> ProblemAsync(RespondDbContext db, JsonObject parameters, string organizationId, CancellationToken ct)
    {
        var scriptId = parameters["scriptId"] is JsonValue id && id.TryGetValue<string>(out var s) ? s : null;
        var inline = parameters["script"] is JsonValue src && src.TryGetValue<string>(out var text) ? text : null;
        if ((scriptId is null) == (inline is null)) return "RUN_SCRIPT needs parameters.scriptId (a library script) or parameters.script (C# source), not both.";
        if (scriptId is null) return null;
        var script = await db.Scripts.AsNoTracking().SingleOrDefaultAsync(x => x.Id == scriptId, ct);
        if (script is null || !script.Covers(organizationId)) return $"Script '{scriptId}' does not exist or does not apply to {organizationId}.";
        return null;
    }

    /// <summary>The source to run: the library script at the pinned version (else current), or the inline source.</summary>
    public static async Task<(string? Source, string? Error)> ResolveAsync(RespondDbContext db, string parametersJson, CancellationToken ct)
    {
        var parameters = JsonNode.Parse(parametersJson) as JsonObject ?? [];
        if (parameters["script"] is JsonValue src && src.TryGetValue<string>(out var inline)) return (inline, null);
        var scriptId = ScriptId(parametersJson);
        var version = parameters["scriptVersion"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : (int?)null;
        var script = await db.Scripts.AsNoTracking().SingleOrDefaultAsync(x => x.Id == scriptId, ct);
        if (script is null) return (null, $"Script '{scriptId}' no longer exists.");
        if (version is null || version == script.Version) return (script.Source, null);
        var saved = await db.ScriptVersions.AsNoTracking().SingleOrDefaultAsync(x => x.ScriptId == scriptId && x.Version == version, ct);
        return saved is null ? (null, $"Script '{scriptId}' has no version {version}.") : (saved.Source, null);
    }
}
