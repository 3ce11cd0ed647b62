namespace Respond.Server.Features.Audit;

/// <summary>An append-only record of one decision or state change. Nothing updates or deletes these rows.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public required string ActorId { get; init; }
    public required string ActorName { get; init; }
    public required string Action { get; init; }
    public required string SubjectType { get; init; }
    public required string SubjectId { get; init; }
    /// <summary>The organizations the subject belongs to, encoded by <see cref="Persistence.OrganizationScope"/>; empty for workspace-wide subjects.</summary>
    public string Organizations { get; init; } = "";
    public string? Before { get; init; }
    public string? After { get; init; }
}
