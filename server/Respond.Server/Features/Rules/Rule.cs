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
        TemplateId = templateId,
    };

    public bool CanBeChangedBy(RespondPrincipal principal) =>
        principal.SeesAllOrganizations || (Organizations != "" && OrganizationIds.All(principal.CanSee));

    public void Activate(string by, DateTimeOffset at) => SetStatus(RuleStatus.Active, by, at);

    public void Pause(string by, DateTimeOffset at) => SetStatus(RuleStatus.Paused, by, at);

    /// <summary>Any edit puts an active rule back to draft only if it became invalid: a valid edit keeps it running.</summary>
    public void Touch(string by, DateTimeOffset at)
    {
        if (!IsValid && Status == RuleStatus.Active) Status = RuleStatus.Draft;
        Version++;
        UpdatedAt = at;
        UpdatedBy = by;
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
