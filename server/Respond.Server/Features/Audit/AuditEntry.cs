namespace Respond.Server.Features.Audit;

/// <summary>An append-only record of one decision or state change. Nothing updates or deletes these rows (the chain only seals them once).</summary>
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

    /// <summary>The <see cref="Hash"/> of the entry before this one; with <see cref="Hash"/> it makes the trail tamper-evident (<see cref="AuditChain"/>).</summary>
    public string? PreviousHash { get; internal set; }

    /// <summary>SHA-256 over this entry's content and <see cref="PreviousHash"/>; null until the chain seals the entry (within seconds).</summary>
    public string? Hash { get; internal set; }

    /// <summary>
    /// The entry's place in the chain, given when it is sealed (null until then): the order of ids, except that an entry
    /// whose unit of work committed after a higher id was sealed joins at the chain's end (PostgreSQL and SQL Server take
    /// an id at insert, not at commit).
    /// </summary>
    public long? ChainPosition { get; internal set; }
}
