namespace Respond.Server.Features.Engine;

/// <summary>The engine as the event log's reader: ingestion asks it for backpressure and wakes its partitions.</summary>
internal sealed class EventLogReaders(EvaluationPartitions partitions, EvaluationBackpressure backpressure) : Events.IEventLogReaders
{
    public int? RetryAfter() => backpressure.RetryAfter();

    public void Appended(string organizationId, int count, long maxSequence) => partitions.Appended(organizationId, count, maxSequence);

    public void Committed(IReadOnlyList<(Events.ParsedEvent Event, long Sequence)> stored) => partitions.Handed(stored);
}
