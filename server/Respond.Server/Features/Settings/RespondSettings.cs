using Respond.Workflows;

namespace Respond.Server.Features.Settings;

/// <summary>
/// The workspace's Respond switch and response policy (seed 000, 002). One row; <see cref="Version"/>
/// is the optimistic-concurrency token so two admins editing at once never silently overwrite each other.
/// </summary>
public sealed class RespondSettings
{
    public const int SingletonId = 1;

    public int Id { get; init; } = SingletonId;
    public bool Enabled { get; private set; }
    public DateTimeOffset? EnabledAt { get; private set; }
    public string? EnabledBy { get; private set; }
    public List<string> AcknowledgedTerms { get; private set; } = [];
    public DateTimeOffset? DisabledAt { get; private set; }
    public string? DisabledBy { get; private set; }

    /// <summary>Action types that start PENDING_APPROVAL (dual control). Default: the destructive ones.</summary>
    public List<ResponseActionType> ApprovalRequired { get; set; } =
        ResponseActionTypes.All.Where(t => t.DestructiveByDefault).Select(t => t.Type).ToList();

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
