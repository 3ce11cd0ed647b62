namespace Respond.Server.Features.Events;

/// <summary>
/// Whoever reads the event log behind ingestion (the rule engine's partitions). Owned here so that ingestion never
/// depends on the engine; the engine implements it.
/// </summary>
public interface IEventLogReaders
{
    /// <summary>Null when ingestion may go on; else the seconds a sender should wait (its batch is not accepted).</summary>
    int? RetryAfter();

    /// <summary>Ingestion committed <paramref name="count"/> events of an organization, the last at <paramref name="maxSequence"/>.</summary>
    void Appended(string organizationId, int count, long maxSequence);

    /// <summary>
    /// SQLite's append, holding the log's write turn, right after its commit: the events it stored, in sequence order.
    /// The append is the log's only writer there, so the readers see every event of the log this way, in order.
    /// </summary>
    void Committed(IReadOnlyList<(ParsedEvent Event, long Sequence)> stored);
}
