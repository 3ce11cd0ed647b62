using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Settings;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Activities.Conditions;

namespace Respond.Server.Features.Actions;

/// <summary>How an action proceeds: straight to the queue, or first to a person (and why).</summary>
public sealed record ApprovalRoute(bool RequiresApproval, bool Automatic, string? Reason, bool BlastRadiusTripped = false);

/// <summary>
/// How each reason an action waits for a person begins: the text is stored on the action (<see cref="ResponseAction.ApprovalReason"/>),
/// and the approvals inbox names the kind of reason from it.
/// </summary>
public static class ApprovalRouteReasons
{
    public const string DualControl = "Dual control:";
    public const string ProtectedTarget = "Protected target:";
    public const string AlwaysRequiresApproval = "always requires approval";
    public const string ChangeControl = "Change control:";
    public const string OutsideActiveHours = "Outside the auto-response active hours:";
    public const string BlastRadiusGuard = "Blast-radius guard:";
}

/// <summary>
/// Dual control and auto-response (seed 002) in one place. People's actions need approval when their organization's approval
/// requirements say so. Automatic actions (an AUTOMATIC rule's action blocks, auto-response) bypass dual control only
/// inside the active hours, never for a type that always requires approval, never against a protected target, never
/// for a rule version whose activation no second person approved (change control), and never past the blast-radius
/// limit; outside the active hours they follow the approval requirements like anyone's (docs/actions.md).
/// </summary>
public sealed class ActionPolicy(RespondDbContext db, IOptions<ActionOptions> options, TimeProvider time)
{
    public async Task<ApprovalRoute> RouteAsync(ResponseAction action, RespondSettings settings, bool automatic, bool humanApproved, CancellationToken ct)
    {
        var type = ApiEnumName.Format(action.Type);
        if (humanApproved) return new ApprovalRoute(false, false, null);
        var required = settings.ApprovalRequired.Contains(action.Type) && !await IsSafeScriptAsync(action, ct);
        if (!automatic)
            return required ? new ApprovalRoute(true, false, $"{ApprovalRouteReasons.DualControl} {type} requires a second person's approval.") : new ApprovalRoute(false, false, null);

        if (ProtectedTarget(settings, action) is { } target)
            return new ApprovalRoute(true, false, $"{ApprovalRouteReasons.ProtectedTarget} {target} is never actioned automatically.");
        if (settings.AutoResponse.AlwaysRequireApproval.Contains(action.Type))
            return new ApprovalRoute(true, false, $"{type} {ApprovalRouteReasons.AlwaysRequiresApproval} (auto-response settings).");
        if (required && await UnapprovedRuleVersionAsync(action, ct))
            return new ApprovalRoute(true, false,
                $"{ApprovalRouteReasons.ChangeControl} version {action.RuleVersion} of rule {action.RuleId} runs without a second person's approval of its activation, so its {type} waits for approval.");
        if (!InsideActiveHours(settings.AutoResponse, time.GetUtcNow()))
            return required
                ? new ApprovalRoute(true, false, $"{ApprovalRouteReasons.OutsideActiveHours} {type} requires a second person's approval.")
                : new ApprovalRoute(false, false, null);
        if (await BlastRadiusReasonAsync(action, ct) is { } reason)
            return new ApprovalRoute(true, false, reason, BlastRadiusTripped: true);
        return new ApprovalRoute(false, true, null);
    }

    public static bool InsideActiveHours(AutoResponseSettings settings, DateTimeOffset now)
    {
        if (settings.ActiveHours is not { } hours) return true;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(hours.TimeZone);
        var windows = hours.Windows.Select(w => new ActiveHoursCondition.Window(
            w.Days.Select(d => (DayOfWeek)((ActiveHoursCondition.DayNames.ToList().IndexOf(d) + 1) % 7)).ToHashSet(),
            TimeOfDay(w.From), TimeOfDay(w.To))).ToList();
        return ActiveHoursCondition.IsInside(new ActiveHoursCondition.Settings(zone, windows), now, out _);
    }

    private static TimeSpan TimeOfDay(string hhmm) =>
        hhmm == "24:00" ? TimeSpan.FromHours(24) : TimeSpan.ParseExact(hhmm, @"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static string? ProtectedTarget(RespondSettings settings, ResponseAction action)
    {
        if (action.DeviceId is { } device && settings.ProtectedDevices.Contains(device, StringComparer.OrdinalIgnoreCase)) return $"device {device}";
        if (action.UserId is { } user && settings.ProtectedAccounts.Contains(user, StringComparer.OrdinalIgnoreCase)) return $"account {user}";
        return null;
    }

    /// <summary>Counts this rule's automatic actions of this type in this organization within the window, including those not yet saved.</summary>
    private async Task<string?> BlastRadiusReasonAsync(ResponseAction action, CancellationToken ct)
    {
        var limits = options.Value.BlastRadius;
        var since = time.GetUtcNow() - limits.Window;
        bool Same(ResponseAction a) => a.OrganizationId == action.OrganizationId && a.RuleId == action.RuleId && a.Type == action.Type && a.Automatic;
        var saved = await db.ResponseActions.AsNoTracking()
            .CountAsync(a => a.OrganizationId == action.OrganizationId && a.RuleId == action.RuleId && a.Type == action.Type && a.Automatic && a.SubmittedAt >= since, ct);
        var pending = db.ChangeTracker.Entries<ResponseAction>().Count(e => e.State == EntityState.Added && e.Entity != action && Same(e.Entity));
        if (saved + pending < limits.MaxAutomaticActions) return null;
        return $"{ApprovalRouteReasons.BlastRadiusGuard} {saved + pending} automatic {ApiEnumName.Format(action.Type)} actions of {(action.RuleId is null ? "auto-response" : $"rule {action.RuleId}")} " +
               $"in {action.OrganizationId} within {limits.Window:g} reached the limit of {limits.MaxAutomaticActions}; a person must approve further ones.";
    }

    /// <summary>
    /// A rule's automatic action (or one its script requested) of a type that needs approval runs unattended only for a
    /// rule version whose activation a second principal approved. Rules armed before change control existed, or before
    /// the type needed approval, keep running, but such actions of theirs wait for a person each time.
    /// </summary>
    private async Task<bool> UnapprovedRuleVersionAsync(ResponseAction action, CancellationToken ct) =>
        action is { RuleId: { } ruleId, Source: ResponseActionSource.Rule or ResponseActionSource.Script }
        && !await db.RuleVersions.AsNoTracking().AnyAsync(v => v.RuleId == ruleId && v.Version == action.RuleVersion && v.ActivationApprovedBy != null, ct);

    private async Task<bool> IsSafeScriptAsync(ResponseAction action, CancellationToken ct)
    {
        if (action.Type != ResponseActionType.RunScript) return false;
        var scriptId = RunScriptParameters.ScriptId(action.ParametersJson);
        return scriptId is not null && await db.Scripts.AsNoTracking().AnyAsync(s => s.Id == scriptId && s.IsSafe, ct);
    }
}
