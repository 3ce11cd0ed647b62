using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Settings;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

/// <summary>
/// Change control for automation (issue 11, point 3). An AUTOMATIC rule whose action blocks include a destructive type
/// (the approval requirements, or destructive by default) or a RUN_SCRIPT (a script can request any action) acts with
/// no person in the loop. Arming it, or changing it while armed, therefore needs a second principal: the activation
/// becomes a RULE_ACTIVATION approval request carrying a <see cref="RuleDiff"/>, and the rule stays inactive (or keeps
/// running its approved version) until a different Admin or Approver of all its organizations approves.
/// </summary>
public sealed class RuleChangeControl(RespondDbContext db, AuditTrail audit, RespondEvents events, ActionScheduler scheduler,
    IOptions<ApprovalOptions> options, TimeProvider time)
{
    private readonly List<object> _published = [];
    private readonly List<ApprovalRequest> _opened = [];

    /// <summary>Why arming this rule needs a second principal (one line per action node), or nothing when it does not.</summary>
    public async Task<IReadOnlyList<string>> ReasonsAsync(Rule rule, CancellationToken ct)
    {
        if (rule.Outcome != RuleOutcome.Automatic || !rule.IsValid) return [];
        var actions = ActionNodes(rule.DefinitionJson);
        if (actions.Count == 0) return [];
        // Settings hold the approval requirements; the destructive-by-default types count even when an admin lifted them,
        // so emptying the requirements never arms a destructive rule by one person alone. Each organization has its own
        // requirements: a type required by any organization the rule covers (or by the defaults) counts.
        var scope = rule.OrganizationIds.Count > 0 ? rule.OrganizationIds : await db.Organizations.Select(o => o.Id).ToListAsync(ct);
        var required = (await db.ForEachAsync([.. scope, Settings.RespondSettings.Defaults], ct)).Values.SelectMany(s => s.ApprovalRequired).ToHashSet();
        var reasons = new List<string>();
        foreach (var (nodeId, info) in actions)
        {
            var type = ApiEnumName.Format(info.Type);
            if (info.Type == ResponseActionType.RunScript)
                reasons.Add($"{nodeId} ({info.BlockId}): its script runs automatically and can request any action (RequestAction).");
            else if (required.Contains(info.Type) || info.DestructiveByDefault)
                reasons.Add($"{nodeId} ({info.BlockId}): {type} is destructive and would run without a person's approval.");
        }
        return reasons;
    }

    /// <summary>
    /// Opens the RULE_ACTIVATION request for the rule's current version (an earlier open one is cancelled as superseded)
    /// and marks the rule as waiting for it. The caller saves, then calls <see cref="PublishAsync"/>.
    /// </summary>
    public async Task<ApprovalRequest> OpenAsync(Rule rule, RespondPrincipal by, IReadOnlyList<string> reasons, CancellationToken ct)
    {
        await CancelPendingAsync(rule, by, $"Superseded: version {rule.Version} of the rule is to be approved instead.", ct);
        var running = rule.RunningVersion is { } v
            ? await db.RuleVersions.AsNoTracking().SingleOrDefaultAsync(x => x.RuleId == rule.Id && x.Version == v, ct)
            : null;
        var diff = RuleDiff.Between(running, rule);
        var now = time.GetUtcNow();
        var request = new ApprovalRequest
        {
            Id = "apr-" + Guid.NewGuid().ToString("N")[..16],
            Kind = ApprovalKind.RuleActivation,
            // One organization carries the request; deciding it still needs a principal of all the rule's organizations.
            OrganizationId = rule.OrganizationIds.Count == 0 ? RespondPrincipal.AllOrganizations : rule.OrganizationIds[0],
            RuleId = rule.Id,
            RuleVersion = rule.Version,
            ProposedActionsJson = JsonSerializer.Serialize(ActionNodes(rule.DefinitionJson)
                .Select(a => new ProposedActionView(a.Info.Type, new Dictionary<string, string>(), "{}", a.NodeId)), RespondDbContext.JsonOptions),
            RequestedBy = by.Id,
            RuleActivatedBy = by.Id,
            RuleEditedBy = await EditorsAsync(rule, ct),
            Justification = $"Arm AUTOMATIC rule \"{rule.Name}\" version {rule.Version}" +
                (running is null ? "" : $" (version {running.Version} keeps running until then)") + ": " + string.Join(" ", reasons),
            RuleDiffJson = diff.ToJson(),
            ExpiresAt = now + options.Value.RuleActivationTimeout,
            CreatedAt = now,
        };
        db.ApprovalRequests.Add(request);
        rule.PendingActivationRequestId = request.Id;
        audit.Record(by, "approval.requested", "ApprovalRequest", request.Id, Organizations(rule), null,
            new { Kind = "RULE_ACTIVATION", RuleId = rule.Id, rule.Version, request.Justification, Diff = diff });
        _opened.Add(request);
        _published.Add(new ApprovalRequested(request));
        return request;
    }

    /// <summary>Cancels the rule's open activation request (paused, deleted, superseded, or no longer needed).</summary>
    public async Task CancelPendingAsync(Rule rule, RespondPrincipal by, string why, CancellationToken ct)
    {
        if (rule.PendingActivationRequestId is not { } id) return;
        rule.PendingActivationRequestId = null;
        var request = await db.ApprovalRequests.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is not { Status: ApprovalStatus.Pending }) return;
        request.Decide(ApprovalStatus.Cancelled, by.Id, why, time.GetUtcNow());
        audit.Record(by, "approval.cancelled", "ApprovalRequest", request.Id, Organizations(rule), new { Status = "Pending" }, new { Status = "Cancelled", Reason = why });
        _published.Add(new ApprovalDecided(request));
    }

    /// <summary>After the commit: subscribers hear of opened and cancelled requests, and open ones expire on time.</summary>
    public async Task PublishAsync(CancellationToken ct)
    {
        foreach (var message in _published) events.Publish(message);
        foreach (var request in _opened) await scheduler.ScheduleAsync(ActionJobKind.ExpireApproval, request.Id, request.ExpiresAt, ct);
        _published.Clear();
        _opened.Clear();
    }

    /// <summary>
    /// Everyone who changed what is to run since the running version (all editors, for a rule that never ran): dual
    /// control keeps each of them from approving their own change.
    /// </summary>
    private async Task<List<string>> EditorsAsync(Rule rule, CancellationToken ct)
    {
        var since = rule.RunningVersion ?? 0;
        var editors = await db.RuleVersions.AsNoTracking()
            .Where(v => v.RuleId == rule.Id && v.Version > since && v.Change != "activated" && v.Change != "paused" && !v.Change.StartsWith("activation"))
            .Select(v => v.ChangedBy).Distinct().ToListAsync(ct);
        if (rule.EditedBy is { } last) editors.Add(last);
        return [.. editors.Where(e => e != ApprovalRequest.Engine && e != RespondPrincipal.System.Id).Distinct().Order(StringComparer.Ordinal)];
    }

    private static IReadOnlyList<string> Organizations(Rule rule) =>
        rule.OrganizationIds.Count == 0 ? [RespondPrincipal.AllOrganizations] : rule.OrganizationIds;

    private static List<(string NodeId, ResponseActionTypeInfo Info)> ActionNodes(string definitionJson)
    {
        var nodes = JsonNode.Parse(definitionJson) is JsonObject root && root["nodes"] is JsonArray array ? array.OfType<JsonObject>() : [];
        var actions = new List<(string, ResponseActionTypeInfo)>();
        foreach (var node in nodes)
            if (node["type"] is JsonValue t && t.TryGetValue<string>(out var type) && ResponseActionTypes.TryGetByBlockId(type, out var info))
                actions.Add((node["id"]?.GetValue<string>() ?? "", info));
        return actions;
    }
}
