using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Settings;
using Respond.Server.Connectors;
using Respond.Server.Features.Alerts;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Actions;

/// <summary>
/// The engine's action port: an action block of a running rule becomes a response action in the engine's own unit of
/// work. The instance waits on the block until the action ends (resumed on <c>completed</c> or <c>failed</c>); an
/// action that cannot be submitted (bad target, no healthy connection) takes the <c>failed</c> port at once, and the
/// rule's alerts stand (seed 000).
/// </summary>
public sealed class RuleActionDispatcher(ActionSubmitter submitter) : IActionDispatcher
{
    public async ValueTask<DispatchResult> DispatchAsync(ProposedAction proposed, CancellationToken ct)
    {
        var humanApproved = proposed.ApprovalRequestId is not null;
        var request = new ActionRequest(proposed.OrganizationId, proposed.Type, Target(proposed.Target), proposed.Parameters,
            $"Rule {proposed.RuleId} v{proposed.RuleVersion}, block {proposed.NodeId}, event {proposed.EventId}.",
            ResponseActionSource.Rule, Automatic: !humanApproved, HumanApproved: humanApproved, AlertId: proposed.AlertId, RuleId: proposed.RuleId,
            RuleVersion: proposed.RuleVersion, WorkflowInstanceId: proposed.WorkflowInstanceId, ApprovalRequestId: proposed.ApprovalRequestId);
        var submission = await submitter.SubmitAsync(request, ActionActors.Engine, "target", ct);
        return submission.Action is { } action
            ? new DispatchResult(DispatchStatus.Pending, action.Id, null)
            : new DispatchResult(DispatchStatus.Failed, null, string.Join(" ", submission.Errors.Select(e => e.Message)));
    }

    private static ActionTarget Target(IReadOnlyDictionary<string, string> target) => new(
        target.GetValueOrDefault("deviceId"),
        target.GetValueOrDefault("userId"),
        target.GetValueOrDefault("ip"),
        target.TryGetValue("processId", out var pid) ? int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1 : null,
        target.GetValueOrDefault("filePath"),
        target.GetValueOrDefault("fileSha256"));
}

/// <summary>
/// Seed 002 auto-response: isolate the device of a critical detection, kill the process of a high (or critical) one,
/// only inside the active hours. Detections of ALERT_ONLY rules are left alone: their authors asked for an alert only.
/// The actions go through <see cref="ActionPolicy"/> as automatic ones (always-approve types, protected targets and the
/// blast-radius guard still apply) and show AUTO_RESPONSE as their source in the audit trail.
/// </summary>
public sealed class AutoResponder(RespondDbContext db, ActionSubmitter submitter, TimeProvider time, ILogger<AutoResponder> logger)
{
    // One unit of work evaluates a batch that can span organizations: read each organization's settings once.
    private readonly Dictionary<string, Settings.RespondSettings> _settings = new(StringComparer.Ordinal);

    public async Task OnAlertRaisedAsync(Alert alert, WorkflowEvent e, RuleOutcome outcome, CancellationToken ct)
    {
        if (outcome == RuleOutcome.AlertOnly) return;
        if (!_settings.TryGetValue(alert.OrganizationId, out var settings))
            _settings[alert.OrganizationId] = settings = await db.ForAsync(alert.OrganizationId, ct);
        var auto = settings.AutoResponse;
        if (!auto.AutoIsolateOnCritical && !auto.AutoKillOnHigh) return;
        if (!ActionPolicy.InsideActiveHours(auto, time.GetUtcNow())) return;
        var device = Text(e.Json, "device", "id");
        if (auto.AutoIsolateOnCritical && alert.Severity == Severity.Critical && device is not null)
            await SubmitAsync(alert, ResponseActionType.IsolateDevice, new ActionTarget(device, null, null, null, null, null), ct);
        if (auto.AutoKillOnHigh && alert.Severity >= Severity.High && device is not null && Pid(e.Json) is { } pid)
            await SubmitAsync(alert, ResponseActionType.KillProcess, new ActionTarget(device, null, null, pid, null, null), ct);
    }

    private async Task SubmitAsync(Alert alert, ResponseActionType type, ActionTarget target, CancellationToken ct)
    {
        var submission = await submitter.SubmitAsync(new ActionRequest(alert.OrganizationId, type, target, [],
            $"Auto-response to {ApiEnumName.Format(alert.Severity)} detection \"{alert.Title}\".", ResponseActionSource.AutoResponse,
            Automatic: true, AlertId: alert.Id, RuleId: alert.RuleId, RuleVersion: alert.RuleVersion), ActionActors.AutoResponse, "target", ct);
        if (submission.Errors.Count > 0)
            AutoResponseLog.NotSubmitted(logger, ApiEnumName.Format(type), alert.Id, string.Join(" ", submission.Errors.Select(x => x.Message)));
    }

    private static string? Text(JsonElement json, string outer, string inner) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object &&
        o.TryGetProperty(inner, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Pid(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("process", out var p) && p.ValueKind == JsonValueKind.Object &&
        p.TryGetProperty("pid", out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        } : null;
}

internal static partial class AutoResponseLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-response could not submit {Type} for alert {AlertId}: {Reason}")]
    public static partial void NotSubmitted(ILogger logger, string type, string alertId, string reason);
}
