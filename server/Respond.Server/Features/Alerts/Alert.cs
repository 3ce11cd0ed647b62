using Respond.Workflows;

namespace Respond.Server.Features.Alerts;

public enum AlertStatus { New, Acknowledged, Closed }

/// <summary>
/// An alert a rule raised: which rule version, which organization, the events that matched and why it fired.
/// Matches of the same rule and group key inside the suppression window are counted here instead of raising more alerts.
/// </summary>
public sealed class Alert
{
    /// <summary>Most matched event ids kept on one alert; <see cref="Count"/> keeps counting past it.</summary>
    public const int MaxMatchedEventIds = 100;
    public const int MaxTitleLength = 500;

    /// <summary>A new alert's id, whoever raises it (a rule, or Respond itself about its own health).</summary>
    public static string NewId() => "alert-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A title as stored: rendered templates can be long, the list shows at most <see cref="MaxTitleLength"/> characters.</summary>
    public static string TitleOf(string title) => title.Length > MaxTitleLength ? title[..MaxTitleLength] : title;

    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public int RuleVersion { get; init; }
    public required string DefinitionHash { get; init; }
    public required string RuleName { get; init; }
    public required string OrganizationId { get; init; }
    public required string Title { get; init; }
    public Severity Severity { get; init; }
    public required string GroupKey { get; init; }
    public int Count { get; set; } = 1;
    public List<string> EventIds { get; set; } = [];
    public DateTimeOffset FirstEventAt { get; init; }
    public DateTimeOffset LastEventAt { get; set; }
    /// <summary>Until when new matches of the same rule and group key are counted here (null: no suppression).</summary>
    public DateTimeOffset? SuppressUntil { get; init; }
    public required string WhyJson { get; init; }
    public AlertStatus Status { get; private set; } = AlertStatus.New;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StatusChangedAt { get; private set; }
    public string? StatusChangedBy { get; private set; }
    public string? StatusComment { get; private set; }
    public int Version { get; set; } = 1;

    /// <summary>Set on <see cref="Absorbing"/> without event ids: they were not read (they are full), so absorbing leaves them alone.</summary>
    private bool _eventIdsFull;

    /// <summary>
    /// The part of a stored alert that absorbing a match changes, for the engine to attach and update without reading
    /// the rest (its reasons unchanged). <paramref name="eventIds"/> is the stored list while it still grows, null once it
    /// is full (then it is neither read nor written). Only <see cref="Count"/>, <see cref="LastEventAt"/>,
    /// <see cref="EventIds"/> and <see cref="Version"/> (the concurrency token) may change on it; it never leaves the unit
    /// of work that attached it.
    /// </summary>
    public static Alert Absorbing(string id, string organizationId, AlertStatus status, int count, DateTimeOffset lastEventAt, int version,
        IReadOnlyList<string>? eventIds) => new()
    {
        Id = id,
        OrganizationId = organizationId,
        RuleId = "",
        DefinitionHash = "",
        RuleName = "",
        Title = "",
        GroupKey = "",
        WhyJson = "",
        Status = status,
        Count = count,
        LastEventAt = lastEventAt,
        Version = version,
        EventIds = eventIds is null ? [] : [.. eventIds],
        _eventIdsFull = eventIds is null,
    };

    /// <summary>No more event ids are kept on this alert; absorbing only counts.</summary>
    public bool EventIdsFull => _eventIdsFull || EventIds.Count >= MaxMatchedEventIds;

    public void Absorb(string eventId, DateTimeOffset eventTime)
    {
        Count++;
        if (!_eventIdsFull && EventIds.Count < MaxMatchedEventIds) EventIds = [.. EventIds, eventId];
        if (eventTime > LastEventAt) LastEventAt = eventTime;
        Version++;
    }

    public bool TryMove(AlertStatus to, string by, string? comment, DateTimeOffset at)
    {
        // new → acknowledged → closed; closing from new is allowed, nothing reopens.
        var allowed = (Status, to) is (AlertStatus.New, AlertStatus.Acknowledged) or (AlertStatus.New, AlertStatus.Closed) or (AlertStatus.Acknowledged, AlertStatus.Closed);
        if (!allowed) return false;
        Status = to;
        StatusChangedAt = at;
        StatusChangedBy = by;
        StatusComment = comment;
        Version++;
        return true;
    }
}
