using Respond.Server.Features.Alerts;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Settings;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors;
using Respond.Server.Features.Approvals;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Server.Telemetry;
using Respond.Workflows;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Actions;

/// <summary>
/// The work of the action jobs: execute (with retries), verify, give up on a result that never came, expire an
/// approval. Every step re-reads the action and acts only if it is still where the job expects it, so a job that fires
/// twice or after a cancel changes nothing; the version token makes a racing cancel and execution decide once.
/// </summary>
public sealed class ActionRunner(
    RespondDbContext db,
    ActionLifecycle lifecycle,
    ActionSubmitter submitter,
    ITriggeringEvents triggeringEvents,
    IEnumerable<IConnector> connectors,
    ConnectionSettingsReader settingsReader,
    ScriptWorkerPool scripts,
    Audit.AuditTrail audit,
    RespondMetrics metrics,
    IOptions<ActionOptions> options,
    TimeProvider time,
    ILogger<ActionRunner> logger) : IActionResults
{
    private static readonly RespondPrincipal System = RespondPrincipal.System;

    /// <summary>
    /// Runs a queued action. <paramref name="recovering"/>: the scheduler re-runs the job because the node that was running
    /// it died (crash, SIGKILL); an action that node had left EXECUTING ends FAILED with its outcome unknown, never
    /// executed a second time.
    /// </summary>
    public async Task ExecuteAsync(string actionId, bool recovering, CancellationToken ct)
    {
        var action = await db.ResponseActions.SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (recovering && action is { Status: ResponseActionStatus.Executing, AwaitingResult: false })
        {
            FailInterrupted(action);
            await SaveAsync(ct);
            return;
        }
        if (action is not { Status: ResponseActionStatus.Queued }) return;
        if (!(await db.ForAsync(action.OrganizationId, ct)).Enabled)
        {
            lifecycle.Move(action, ResponseActionStatus.Cancelled, System, "Respond is turned off for this organization; queued actions do not run.");
            await SaveAsync(ct);
            return;
        }
        var connection = action.Type == ResponseActionType.RunScript
            ? null
            : submitter.FindConnection(await db.Connections.AsNoTracking().Where(c => c.OrganizationId == action.OrganizationId).ToListAsync(ct), action.Type);
        if (action.Type != ResponseActionType.RunScript && connection is null)
        {
            lifecycle.Move(action, ResponseActionStatus.Executing, System, "Picked up.");
            var reason = await submitter.MissingConnectionAsync(action.OrganizationId, action.Type, ct) ?? "The connection is broken.";
            lifecycle.Move(action, ResponseActionStatus.Failed, System, "Connection broken: " + reason);
            action.FailureReason = "Connection broken: " + reason;
            await SaveAsync(ct);
            return;
        }

        using var span = RespondTelemetry.Source.StartActivity("action execute");
        span?.SetTag("respond.action.id", action.Id).SetTag("respond.action.type", ApiEnumName.Format(action.Type))
            .SetTag("respond.organization_id", action.OrganizationId);
        action.Attempts++;
        action.Connector = connection?.Connector;
        action.NextAttemptAt = null;
        lifecycle.Move(action, ResponseActionStatus.Executing, System,
            $"Attempt {action.Attempts} of {options.Value.MaxAttempts}{(connection is null ? " in the script sandbox" : $" via {ApiEnumName.Format(connection.Connector)}")}.");
        if (!await SaveAsync(ct)) return;

        ExecutionOutcome outcome;
        try
        {
            outcome = connection is null
                ? await RunScriptAsync(action, ct)
                : await CallConnectorAsync(connection.Connector, "execute", () => connectors.Single(c => c.Kind == connection.Connector)
                    .ExecuteAsync(Command(action), settingsReader.Read(connection), ct), o => o is ExecutionOutcome.Failed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ActionsLog.ConnectorThrew(logger, action.Id, ex);
            outcome = new ExecutionOutcome.Failed($"The connector failed unexpectedly: {ex.Message}", Transient: ex is HttpRequestException or TimeoutException or TaskCanceledException);
        }
        if (outcome is ExecutionOutcome.Failed failure) span?.SetStatus(ActivityStatusCode.Error, failure.Transient ? "transient failure" : "failed");
        Apply(action, outcome);
        await SaveAsync(ct);
    }

    /// <summary>One connector call in its own client span, timed and counted (a throw counts as an error and is rethrown).</summary>
    private async Task<T> CallConnectorAsync<T>(Organizations.ConnectorKind kind, string operation, Func<Task<T>> call, Func<T, bool> failed)
    {
        var connector = ApiEnumName.Format(kind);
        using var span = RespondTelemetry.Source.StartActivity($"connector {operation}", ActivityKind.Client);
        span?.SetTag("respond.connector", connector);
        var started = time.GetTimestamp();
        try
        {
            var outcome = await call();
            var bad = failed(outcome);
            if (bad) span?.SetStatus(ActivityStatusCode.Error);
            metrics.ConnectorCalled(connector, operation, time.GetElapsedTime(started), bad);
            return outcome;
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            metrics.ConnectorCalled(connector, operation, time.GetElapsedTime(started), failed: true);
            throw;
        }
    }

    private void Apply(ResponseAction action, ExecutionOutcome outcome)
    {
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case ExecutionOutcome.Succeeded done:
                Complete(action, done.Details, done.Facts);
                break;
            case ExecutionOutcome.Failed { Transient: true } failed when action.Attempts < options.Value.MaxAttempts:
                var backoff = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks, options.Value.RetryBaseDelay.Ticks << Math.Min(action.Attempts - 1, 20)));
                var wait = failed.RetryAfter is { } after && after > backoff ? after : backoff;
                action.NextAttemptAt = now + wait;
                action.FailureReason = failed.Reason;
                lifecycle.Move(action, ResponseActionStatus.Queued, System, $"{failed.Reason} Retrying in {wait.TotalSeconds:0.#} s.");
                lifecycle.Schedule(ActionJobKind.Execute, action.Id, action.NextAttemptAt.Value);
                break;
            case ExecutionOutcome.Failed failed:
                action.FailureReason = failed.Transient ? $"{failed.Reason} (gave up after {action.Attempts} attempts)" : failed.Reason;
                lifecycle.Move(action, ResponseActionStatus.Failed, System, action.FailureReason);
                break;
            case ExecutionOutcome.Dispatched handed:
                action.AwaitingResult = true;
                action.Result = handed.Details;
                action.Version++;
                lifecycle.Changed(action);
                lifecycle.Schedule(ActionJobKind.ResultDeadline, action.Id, now + options.Value.ResultTimeout);
                break;
        }
    }

    private void Complete(ResponseAction action, string details, JsonObject? facts)
    {
        action.Result = details;
        action.FactsJson = facts?.ToJsonString();
        action.AwaitingResult = false;
        action.FailureReason = null;
        var verifiable = action.Connector is not null && action.Type != ResponseActionType.RunScript;
        action.VerificationStatus = verifiable ? VerificationStatus.Pending : VerificationStatus.NotApplicable;
        lifecycle.Move(action, ResponseActionStatus.Completed, System, details);
        if (verifiable) lifecycle.Schedule(ActionJobKind.Verify, action.Id, time.GetUtcNow() + options.Value.VerificationDelay);
    }

    /// <summary>A late result from a connector (webhook callback, agent report) for an action it was handed.</summary>
    public async Task<bool> ReportAsync(string organizationId, string actionId, bool succeeded, string details, JsonObject? facts, CancellationToken ct)
    {
        var action = await db.ResponseActions.SingleOrDefaultAsync(a => a.Id == actionId && a.OrganizationId == organizationId, ct);
        if (action is not { Status: ResponseActionStatus.Executing }) return false;
        if (succeeded) Complete(action, details, facts);
        else
        {
            action.AwaitingResult = false;
            action.FailureReason = details;
            lifecycle.Move(action, ResponseActionStatus.Failed, System, details);
        }
        lifecycle.Unschedule(ActionJobKind.ResultDeadline, action.Id);
        return await SaveAsync(ct);
    }

    public async Task ResultDeadlineAsync(string actionId, CancellationToken ct)
    {
        var action = await db.ResponseActions.SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is not { Status: ResponseActionStatus.Executing, AwaitingResult: true }) return;
        action.AwaitingResult = false;
        action.FailureReason = $"No result was reported within {options.Value.ResultTimeout:g} of handing the action to {action.Connector}; check the target.";
        lifecycle.Move(action, ResponseActionStatus.Failed, System, action.FailureReason);
        await SaveAsync(ct);
    }

    public async Task VerifyAsync(string actionId, CancellationToken ct)
    {
        var action = await db.ResponseActions.SingleOrDefaultAsync(a => a.Id == actionId, ct);
        if (action is not { Status: ResponseActionStatus.Completed, VerificationStatus: VerificationStatus.Pending }) return;
        var connection = action.Connector is { } kind
            ? await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.OrganizationId == action.OrganizationId && c.Connector == kind, ct)
            : null;
        VerificationOutcome outcome;
        if (connection is null) outcome = new VerificationOutcome(false, "The connection that executed the action is gone; the effect cannot be confirmed.");
        else
        {
            try
            {
                var facts = action.FactsJson is null ? null : JsonNode.Parse(action.FactsJson) as JsonObject;
                outcome = await CallConnectorAsync(connection.Connector, "verify",
                    () => connectors.Single(c => c.Kind == connection.Connector).VerifyAsync(Command(action), facts, settingsReader.Read(connection), ct), o => o.Passed == false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                outcome = new VerificationOutcome(false, $"Verification could not run: {ex.Message}");
            }
        }
        action.VerificationStatus = outcome.Passed switch { true => VerificationStatus.Passed, false => VerificationStatus.Failed, null => VerificationStatus.NotApplicable };
        action.VerificationDetails = outcome.Details;
        action.VerifiedAt = time.GetUtcNow();
        action.Version++;
        lifecycle.Changed(action);
        audit.Record(System, "action.verified", "ResponseAction", action.Id, [action.OrganizationId], null, new { action.VerificationStatus, outcome.Details });
        if (outcome.Passed == false)
        {
            var alert = SystemAlerts.Create(SystemAlerts.VerificationRule, "Respond: verification failed", action.OrganizationId,
                $"{ApiEnumName.Format(action.Type)} on {Describe(action)} did not hold: {outcome.Details}", Severity.High, action.Id,
                new { ActionId = action.Id, action.Type, Target = action.Target, outcome.Details }, time.GetUtcNow());
            db.Alerts.Add(alert);
            lifecycle.Publish(alert);
        }
        await SaveAsync(ct);
    }

    /// <summary>
    /// An approval request for actions reached its expiry without a decision: it expires and its actions are cancelled, or,
    /// where its policy explicitly allows an APPROVE fallback, Respond approves it and the audit quotes the policy's reason.
    /// </summary>
    public async Task ExpireApprovalAsync(string requestId, CancellationToken ct)
    {
        var request = await db.ApprovalRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        var now = time.GetUtcNow();
        if (request is not { Status: ApprovalStatus.Pending } || request.ExpiresAt > now) return;
        var approve = request is { Fallback: ApprovalFallback.Approve, AutoApproveReason.Length: > 0 };
        var reason = approve ? $"Approved by the approval policy at the timeout: {request.AutoApproveReason}" : "Expired without a decision.";
        request.Decide(approve ? ApprovalStatus.Approved : ApprovalStatus.Expired, System.Id, reason, now);
        audit.Record(System, approve ? "approval.autoApproved" : "approval.expired", "ApprovalRequest", request.Id, [request.OrganizationId],
            new { Status = "Pending" }, new { Status = request.Status.ToString(), request.Fallback, request.AutoApproveReason, request.ApprovalsReceived, request.ApprovalsRequired, request.EscalationLevel });
        foreach (var action in await db.ResponseActions.Where(a => a.ApprovalRequestId == requestId && a.Status == ResponseActionStatus.PendingApproval).ToListAsync(ct))
        {
            if (approve)
            {
                lifecycle.Move(action, ResponseActionStatus.Queued, System, reason);
                lifecycle.Schedule(ActionJobKind.Execute, action.Id, now);
            }
            else lifecycle.Move(action, ResponseActionStatus.Cancelled, System, "The approval request expired without a decision.");
        }
        lifecycle.Publish(new ApprovalDecided(request));
        await SaveAsync(ct);
    }

    /// <summary>RUN_SCRIPT: the script runs in the sandbox's worker pool; what it asks for becomes child actions, each routed through approval.</summary>
    private async Task<ExecutionOutcome> RunScriptAsync(ResponseAction action, CancellationToken ct)
    {
        var (source, error) = await RunScriptParameters.ResolveAsync(db, action.ParametersJson, ct);
        if (source is null) return new ExecutionOutcome.Failed(error!, Transient: false);
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == action.OrganizationId, ct);
        var eventJson = action.WorkflowInstanceId is { } instance
            ? await triggeringEvents.EventJsonAsync(instance, ct)
            : null;
        var @event = JsonDocument.Parse(eventJson ?? JsonSerializer.Serialize(new { organizationId = action.OrganizationId, device = new { id = action.DeviceId } })).RootElement.Clone();
        var alert = action.AlertId is { } alertId ? await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, ct) : null;
        var result = await scripts.RunAsync(new ScriptJob(source, @event, new ScriptOrganization(organization.Id, organization.Name),
            alert is null ? null : new ScriptAlert(alert.Id, alert.Title, ApiEnumName.Format(alert.Severity))), ct);
        if (!result.Succeeded) return new ExecutionOutcome.Failed($"The script failed: {result.Error}", Transient: false);

        var children = new JsonArray();
        foreach (var requested in result.Actions)
        {
            if (!ApiEnumName.TryParse<ResponseActionType>(requested.Type, out var type))
            {
                children.Add(new JsonObject { ["type"] = requested.Type, ["error"] = "not a response action type" });
                continue;
            }
            var child = await submitter.SubmitAsync(new ActionRequest(action.OrganizationId, type, ChildTarget(type, requested.Target, action), [],
                    requested.Justification, ResponseActionSource.Script, Automatic: action.Automatic, AlertId: action.AlertId, RuleId: action.RuleId,
                    RuleVersion: action.RuleVersion, ParentActionId: action.Id),
                action.Automatic ? ActionActors.Engine : new RespondPrincipal(action.SubmittedBy, action.SubmittedBy, new HashSet<string>(), new HashSet<string>([action.OrganizationId])),
                "target", ct);
            children.Add(new JsonObject
            {
                ["type"] = requested.Type,
                ["actionId"] = child.Action?.Id,
                ["status"] = child.Action is null ? null : ApiEnumName.Format(child.Action.Status),
                ["error"] = child.Errors.Count > 0 ? string.Join(" ", child.Errors.Select(e => e.Message)) : null,
            });
        }
        var logs = string.Join("\n", result.Logs);
        return new ExecutionOutcome.Succeeded(
            $"The script ran in {result.Duration.TotalMilliseconds:0} ms and requested {result.Actions.Count} action(s).{(logs.Length > 0 ? "\n" + logs : "")}",
            new JsonObject { ["requestedActions"] = children, ["returnValue"] = result.ReturnValue });
    }

    private static ActionTarget ChildTarget(ResponseActionType type, string target, ResponseAction parent) => ResponseActionTypes.Get(type).Target switch
    {
        ActionTargetKind.User => new ActionTarget(null, target, null, null, null, null),
        ActionTargetKind.Ip => new ActionTarget(parent.DeviceId, null, target, null, null, null),
        ActionTargetKind.Process => new ActionTarget(parent.DeviceId, null, null, int.TryParse(target, out var pid) ? pid : -1, null, null),
        ActionTargetKind.File => new ActionTarget(parent.DeviceId, null, null, null, target, null),
        _ => new ActionTarget(target, null, null, null, null, null),
    };

    /// <summary>
    /// Start-up: queued actions get their job back if it was lost; on one node, executions cut off by a stop end FAILED
    /// with an honest reason. With several nodes (clustered scheduler) an action EXECUTING may be running on a living
    /// node, so a starting node leaves it alone: the job of a node that died is re-run as a recovery, which settles it.
    /// </summary>
    public async Task RecoverAsync(ActionScheduler scheduler, CancellationToken ct)
    {
        foreach (var action in await db.ResponseActions.Where(a => a.Status == ResponseActionStatus.Queued).ToListAsync(ct))
            if (!await scheduler.ExistsAsync(ActionJobKind.Execute, action.Id, ct))
                lifecycle.Schedule(ActionJobKind.Execute, action.Id, action.NextAttemptAt ?? time.GetUtcNow());
        if (!await scheduler.ClusteredAsync(ct))
            foreach (var action in await db.ResponseActions.Where(a => a.Status == ResponseActionStatus.Executing && !a.AwaitingResult).ToListAsync(ct))
                FailInterrupted(action);
        await SaveAsync(ct);
    }

    private void FailInterrupted(ResponseAction action)
    {
        action.FailureReason = "Respond stopped while the action was executing; its outcome is unknown. Check the target before submitting it again.";
        lifecycle.Move(action, ResponseActionStatus.Failed, System, action.FailureReason);
    }

    public static ActionCommand Command(ResponseAction action) =>
        new(action.Id, action.OrganizationId, action.Type, action.Target, JsonNode.Parse(action.ParametersJson) as JsonObject ?? [], action.Attempts);

    public static string Describe(ResponseAction action) =>
        action.DeviceId ?? action.UserId ?? action.Ip ?? action.FilePath ?? action.Id;

    /// <summary>Saves and flushes; false when someone else changed the action first (a cancel won the race).</summary>
    private async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        await lifecycle.FlushAsync(ct);
        return true;
    }
}

internal static partial class ActionsLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The connector threw while executing action {ActionId}")]
    public static partial void ConnectorThrew(ILogger logger, string actionId, Exception exception);
}
