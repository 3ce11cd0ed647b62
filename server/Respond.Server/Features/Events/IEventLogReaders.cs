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
}
