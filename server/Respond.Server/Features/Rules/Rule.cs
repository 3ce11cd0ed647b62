using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

public enum RuleStatus { Draft, Active, Paused }

/// <summary>
/// A Respond rule. The definition is kept exactly as the author sent it (WORKFLOWS.md); its validation
/// errors are stored beside it so an invalid draft is never lost and never runs.
/// </summary>
public sealed class Rule
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public RuleStatus Status { get; private set; } = RuleStatus.Draft;
    public RuleOutcome Outcome { get; set; }
    public required string DefinitionJson { get; set; }
    public required string DefinitionHash { get; set; }
    public string ValidationErrorsJson { get; set; } = "[]";
    public bool IsValid { get; set; }
    /// <summary><see cref="OrganizationScope"/> encoding; "" means every organization.</summary>
    public string Organizations { get; set; } = "";
    /// <summary>Increases on every change; the concurrency token behind updateRule's expectedVersion.</summary>
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public string? TemplateId { get; init; }
    /// <summary>Who last changed what the rule does (definition, outcome, scope, name): barred from deciding its requests.</summary>
    public string? EditedBy { get; set; }
    /// <summary>Who activated the running version (for change control: who asked, not who approved).</summary>
    public string? ActivatedBy { get; private set; }
    /// <summary>The second principal who approved the running version's activation; null when it needed no approval.</summary>
    public string? ActivationApprovedBy { get; private set; }
    /// <summary>
    /// The version the engine runs; null while not running. Behind <see cref="Version"/> while a change of an active
    /// rule waits for change control: the approved version keeps running until then.
    /// </summary>
    public int? RunningVersion { get; private set; }
    /// <summary>The open RULE_ACTIVATION approval request for the current version, if any.</summary>
    public string? PendingActivationRequestId { get; set; }

    public IReadOnlyList<string> OrganizationIds => OrganizationScope.Decode(Organizations);

    /// <summary>A new draft; its definition is stamped by <see cref="RuleDefinition.Apply"/> before it is saved.</summary>
    public static Rule Draft(string name, string description, IEnumerable<string> organizations, string by, DateTimeOffset now, string? templateId = null) => new()
    {
        Id = "rule-" + Guid.NewGuid().ToString("N")[..12],
        Name = name.Trim(),
        Description = description,
        Organizations = OrganizationScope.Encode(organizations),
        DefinitionJson = "",
        DefinitionHash = "",
        CreatedAt = now,
        CreatedBy = by,
        UpdatedAt = now,
        UpdatedBy = by,
        EditedBy = by,
        TemplateId = templateId,
    };

    public bool CanBeChangedBy(RespondPrincipal principal) =>
        principal.SeesAllOrganizations || (Organizations != "" && OrganizationIds.All(principal.CanSee));

    /// <summary>Runs the current version from now on. <paramref name="approvedBy"/>: the second principal of change control, if it needed one.</summary>
    public void Activate(string by, DateTimeOffset at, string? approvedBy = null, string? recordedBy = null)
    {
        SetStatus(RuleStatus.Active, recordedBy ?? by, at);
        RunningVersion = Version;
        ActivatedBy = by;
        ActivationApprovedBy = approvedBy;
        PendingActivationRequestId = null;
    }

    public void Pause(string by, DateTimeOffset at)
    {
        SetStatus(RuleStatus.Paused, by, at);
        RunningVersion = null;
        PendingActivationRequestId = null;
    }

    /// <summary>
    /// An edit (<paramref name="edited"/>: it changed what the rule does, not just its description). An active rule that
    /// became invalid goes back to draft; a valid one keeps running the version that ran until <see cref="RunCurrentVersion"/>.
    /// </summary>
    public void Touch(string by, DateTimeOffset at, bool edited = true)
    {
        if (!IsValid && Status == RuleStatus.Active)
        {
            Status = RuleStatus.Draft;
            RunningVersion = null;
        }
        Version++;
        UpdatedAt = at;
        UpdatedBy = by;
        if (edited) EditedBy = by;
    }

    /// <summary>
    /// An active rule runs its current version from now on, without a new activation. <paramref name="keepApproval"/>:
    /// the version runs exactly what the approved one ran (same definition, outcome and scope), so the approval holds.
    /// </summary>
    public void RunCurrentVersion(bool keepApproval)
    {
        if (Status != RuleStatus.Active) throw new InvalidOperationException($"Rule {Id} is not active.");
        RunningVersion = Version;
        if (!keepApproval) ActivationApprovedBy = null;
    }

    private void SetStatus(RuleStatus status, string by, DateTimeOffset at)
    {
        Status = status;
        Version++;
        UpdatedAt = at;
        UpdatedBy = by;
    }
}

/// <summary>One saved state of a rule, written on every change so authors can compare and restore.</summary>
public sealed class RuleVersion
{
    public long Id { get; init; }
    public required string RuleId { get; init; }
    public int Version { get; init; }
    public required string Name { get; init; }
    public RuleOutcome Outcome { get; init; }
    public RuleStatus Status { get; init; }
    public required string DefinitionJson { get; init; }
    public required string DefinitionHash { get; init; }
    public required string ChangedBy { get; init; }
    public DateTimeOffset ChangedAt { get; init; }
    public required string Change { get; init; }
    /// <summary>The scope of this version (<see cref="OrganizationScope"/>); null in versions saved before it was recorded.</summary>
    public string? Organizations { get; init; }
    /// <summary>Set when this version runs after a second principal approved its activation (change control).</summary>
    public string? ActivationApprovedBy { get; init; }

    public static RuleVersion Of(Rule rule, string change) => new()
    {
        RuleId = rule.Id,
        Version = rule.Version,
        Name = rule.Name,
        Outcome = rule.Outcome,
        Status = rule.Status,
        DefinitionJson = rule.DefinitionJson,
        DefinitionHash = rule.DefinitionHash,
        ChangedBy = rule.UpdatedBy ?? rule.CreatedBy,
        ChangedAt = rule.UpdatedAt,
        Change = change,
        Organizations = rule.Organizations,
        ActivationApprovedBy = rule.RunningVersion == rule.Version ? rule.ActivationApprovedBy : null,
    };
}

/// <summary>An indicator-of-compromise rule made from a Respond rule's detection logic (seed 000 "Convert to IOC").</summary>
public sealed class IocRule
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string SourceRuleId { get; init; }
    public int SourceRuleVersion { get; init; }
    public string Organizations { get; init; } = "";
    public List<string> Ips { get; init; } = [];
    public List<string> Hashes { get; init; } = [];
    public List<string> Domains { get; init; } = [];
    public List<string> ProcessNames { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}
