using Respond.Workflows;

namespace Respond.Server.Features.Settings;

/// <summary>
/// An organization's Respond switch and response policy (seed 000, 002, issue 11). The row keyed
/// <see cref="Defaults"/> holds the installation-wide defaults; an organization without a row of its own follows
/// them, and its first change copies them into a full row (<see cref="CopyFor"/>), which from then on no longer
/// follows the defaults. <see cref="Version"/> is the optimistic-concurrency token so two admins editing at once
/// never silently overwrite each other.
/// </summary>
public sealed class RespondSettings
{
    /// <summary>The key of the defaults row: the same "*" a principal of every organization holds.</summary>
    public const string Defaults = Identity.RespondPrincipal.AllOrganizations;

    public string OrganizationId { get; init; } = Defaults;
    public bool IsDefaults => OrganizationId == Defaults;
    public bool Enabled { get; private set; }
    public DateTimeOffset? EnabledAt { get; private set; }
    public string? EnabledBy { get; private set; }
    public List<string> AcknowledgedTerms { get; private set; } = [];
    public DateTimeOffset? DisabledAt { get; private set; }
    public string? DisabledBy { get; private set; }

    /// <summary>Action types that start PENDING_APPROVAL (dual control). Default: the destructive ones.</summary>
    public List<ResponseActionType> ApprovalRequired { get; set; } =
        ResponseActionTypes.All.Where(t => t.DestructiveByDefault).Select(t => t.Type).ToList();

    /// <summary>Per action type: quorum, first group, escalation and fallback; a type not listed needs one approval from any Approver.</summary>
    public List<ActionApprovalPolicy> ApprovalPolicies { get; set; } = [];

    public ActionApprovalPolicy ApprovalPolicyFor(ResponseActionType type) => ApprovalPolicies.FirstOrDefault(p => p.Type == type) ?? new() { Type = type };

    /// <summary>Principal ids an escalation step's "on-call" notifies, as they are when the step fires.</summary>
    public List<string> OnCall { get; set; } = [];

    public AutoResponseSettings AutoResponse { get; set; } = new();

    /// <summary>Devices and accounts never actioned automatically (issue 5 blast-radius guard): automatic actions on them wait for approval.</summary>
    public List<string> ProtectedDevices { get; set; } = [];
    public List<string> ProtectedAccounts { get; set; } = [];
    public int Version { get; set; } = 1;
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Terms a person must acknowledge before Respond turns on; the designer shows them as checkboxes.</summary>
    public static readonly IReadOnlyList<string> RequiredTerms =
    [
        "RESPONSE_ACTIONS_AFFECT_USERS",
        "AUTOMATION_REQUIRES_VALIDATED_RULES",
        "ACTIONS_REQUIRE_HEALTHY_CONNECTION",
    ];

    public void TurnOn(string by, IEnumerable<string> acknowledged, DateTimeOffset at)
    {
        Enabled = true;
        EnabledAt = at;
        EnabledBy = by;
        AcknowledgedTerms = acknowledged.Distinct().Order(StringComparer.Ordinal).ToList();
        Touch(at);
    }

    public void TurnOff(string by, DateTimeOffset at)
    {
        Enabled = false;
        DisabledAt = at;
        DisabledBy = by;
        Touch(at);
    }

    public void Touch(DateTimeOffset at)
    {
        Version++;
        UpdatedAt = at;
    }

    /// <summary>
    /// A full row for <paramref name="organizationId"/> with every value of these settings. It keeps their version, so an
    /// update that read the inherited settings and passes their version as expectedVersion is not refused as stale.
    /// </summary>
    public RespondSettings CopyFor(string organizationId) => new()
    {
        OrganizationId = organizationId,
        Enabled = Enabled,
        EnabledAt = EnabledAt,
        EnabledBy = EnabledBy,
        AcknowledgedTerms = [.. AcknowledgedTerms],
        DisabledAt = DisabledAt,
        DisabledBy = DisabledBy,
        ApprovalRequired = [.. ApprovalRequired],
        ApprovalPolicies = ApprovalPolicies.Select(p => p.Copy()).ToList(),
        OnCall = [.. OnCall],
        AutoResponse = new AutoResponseSettings
        {
            AutoIsolateOnCritical = AutoResponse.AutoIsolateOnCritical,
            AutoKillOnHigh = AutoResponse.AutoKillOnHigh,
            ActiveHours = AutoResponse.ActiveHours is { } h
                ? new ActiveHours { TimeZone = h.TimeZone, Windows = h.Windows.Select(w => new ActiveHoursWindow { Days = [.. w.Days], From = w.From, To = w.To }).ToList() }
                : null,
            AlwaysRequireApproval = [.. AutoResponse.AlwaysRequireApproval],
        },
        ProtectedDevices = [.. ProtectedDevices],
        ProtectedAccounts = [.. ProtectedAccounts],
        Version = Version,
        UpdatedAt = UpdatedAt,
    };
}

public sealed class ActionApprovalPolicy
{
    public const int MaxApprovalsRequired = 10;

    public ResponseActionType Type { get; set; }
    public int ApprovalsRequired { get; set; } = 1;
    /// <summary>The first group: principal ids or roles; empty: any Approver of the organization.</summary>
    public List<string> Approvers { get; set; } = [];
    public List<EscalationStep> Escalation { get; set; } = [];
    /// <summary>How long a request waits before its fallback; null: Respond:Approvals:DefaultTimeout.</summary>
    public TimeSpan? Timeout { get; set; }
    public ApprovalFallback Fallback { get; set; } = ApprovalFallback.Expire;
    /// <summary>Required with <see cref="ApprovalFallback.Approve"/>: the explicit consent to auto-approve, quoted by the audit of each auto-approval.</summary>
    public string? AutoApproveReason { get; set; }

    public ActionApprovalPolicy Copy() => new()
    {
        Type = Type,
        ApprovalsRequired = ApprovalsRequired,
        Approvers = [.. Approvers],
        Escalation = [.. Escalation],
        Timeout = Timeout,
        Fallback = Fallback,
        AutoApproveReason = AutoApproveReason,
    };
}

public sealed class AutoResponseSettings
{
    public bool AutoIsolateOnCritical { get; set; }
    public bool AutoKillOnHigh { get; set; }
    /// <summary>When auto-response may act; null means always.</summary>
    public ActiveHours? ActiveHours { get; set; }
    public List<ResponseActionType> AlwaysRequireApproval { get; set; } = [];
}

public sealed class ActiveHours
{
    public required string TimeZone { get; set; }
    public List<ActiveHoursWindow> Windows { get; set; } = [];
}

public sealed class ActiveHoursWindow
{
    public List<string> Days { get; set; } = [];
    public required string From { get; set; }
    public required string To { get; set; }
}
