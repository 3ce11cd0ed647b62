namespace Respond.Server.Features.Events;

/// <summary>
/// An ingested event, stored once: (OrganizationId, Source, EventId) is unique, so a replay is a duplicate and changes
/// nothing, and the same (Source, EventId) of another organization is another event. <see cref="Json"/> is the event as ingested (API.md EventInput), which rules address by field path.
/// </summary>
public sealed class StoredEvent
{
    public long Sequence { get; init; }
    public required string EventId { get; init; }
    public required string OrganizationId { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public int Severity { get; init; }
    public DateTimeOffset Time { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public required string Json { get; init; }
}
