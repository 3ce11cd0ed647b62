using System.Text;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Events;
using Respond.Workflows;

namespace Respond.Server.Tests.Features.Engine;

/// <summary>
/// A partition's tail of the log in memory (SQLite): chunks come from it only when it holds every event after the
/// checkpoint; before it begins, and after it is dropped, the log is read.
/// </summary>
public sealed class EvaluationPartitionTailTests
{
    private static ParsedEvent Event(long sequence) =>
        new($"e-{sequence}", "org-a", "edr", "process.started", Severity.Low, DateTimeOffset.Parse("2026-12-06T10:00:00Z"), Encoding.UTF8.GetBytes($$"""{"id":"e-{{sequence}}"}"""));

    private static List<long>? Sequences(EvaluationPartition partition, long checkpoint, int max = 100) =>
        partition.TakeFromTail(checkpoint, max)?.Select(e => e.Sequence).ToList();

    [Fact]
    public void TakeFromTail_NothingHanded_NullSoTheLogIsRead()
    {
        var partition = new EvaluationPartition("org-a");

        Assert.Null(Sequences(partition, 0));
    }

    [Fact]
    public void TakeFromTail_EventsBeforeTheTailMayWait_NullUntilTheLogHasNoneLeftBeforeIt()
    {
        var partition = new EvaluationPartition("org-a");
        partition.Hand(10, Event(10));
        partition.Hand(12, Event(12));

        var beforeJoining = Sequences(partition, 5);
        partition.JoinTail(10);

        Assert.Null(beforeJoining);
        Assert.Equal([10, 12], Sequences(partition, 5));
    }

    [Fact]
    public void TakeFromTail_CheckpointRightBeforeTheTail_TakenWithoutAskingTheLog()
    {
        var partition = new EvaluationPartition("org-a");
        partition.Hand(10, Event(10));

        Assert.Equal([10], Sequences(partition, 9));
    }

    [Fact]
    public void Evaluated_DropsWhatTheCheckpointPassed_TheNextChunkStartsAfterIt()
    {
        var partition = new EvaluationPartition("org-a");
        foreach (var sequence in new long[] { 10, 11, 12 }) partition.Hand(sequence, Event(sequence));
        var bytes = partition.TailBytes;

        var first = Sequences(partition, 9, max: 2);
        partition.Evaluated(2, 11);

        Assert.Equal([10, 11], first);
        Assert.Equal([12], Sequences(partition, 11));
        Assert.Equal(bytes / 3, partition.TailBytes);
    }

    [Fact]
    public void DropTail_TheNextEventBeginsANewTail_WhichTheLogMustReachAgain()
    {
        var partition = new EvaluationPartition("org-a");
        partition.Hand(10, Event(10));
        Assert.Equal([10], Sequences(partition, 9));

        partition.DropTail();
        var dropped = (Start: partition.TailStart, Bytes: partition.TailBytes);
        partition.Hand(20, Event(20));
        var afterNewStart = Sequences(partition, 10);
        partition.JoinTail(10);
        var afterStaleJoin = Sequences(partition, 10);
        partition.JoinTail(20);

        Assert.Equal((0L, 0L), dropped);
        Assert.Null(afterNewStart);
        Assert.Null(afterStaleJoin);
        Assert.Equal([20], Sequences(partition, 10));
    }
}
