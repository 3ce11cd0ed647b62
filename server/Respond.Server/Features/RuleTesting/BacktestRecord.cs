namespace Respond.Server.Features.RuleTesting;

/// <summary>
/// A backtest as every node reads it (table <c>Backtests</c>): written when it starts, its progress after each page of
/// events, its report when it ends. The run itself stays on the node that started it.
/// </summary>
public sealed class BacktestRecord
{
    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public required string RequestedBy { get; init; }

    /// <summary>The organizations whose events it reads, as a JSON array (empty: every organization).</summary>
    public required string OrganizationScope { get; init; }

    public DateTimeOffset From { get; init; }
    public DateTimeOffset To { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public BacktestStatus Status { get; init; }

    /// <summary>When the running node last wrote progress; a RUNNING backtest silent for <see cref="BacktestRunner.AbandonedAfter"/> is shown FAILED.</summary>
    public DateTimeOffset ProgressAt { get; init; }

    public int TotalEvents { get; init; }
    public int ProcessedEvents { get; init; }
    public int TriggeredEvents { get; init; }
    public int AlertCount { get; init; }
    public int SuppressedMatches { get; init; }
    public string? Error { get; init; }

    /// <summary>Per day, top group keys, top targets and sample matches as JSON (<see cref="BacktestReport"/>), once it has ended.</summary>
    public string? Report { get; init; }

    /// <summary>Set by a cancel through any node; the running node stops at its next page.</summary>
    public bool CancelRequested { get; init; }
}

/// <summary>What a finished backtest found, as stored in <see cref="BacktestRecord.Report"/>.</summary>
public sealed record BacktestReport(List<BacktestDay> PerDay, List<BacktestCount> TopGroupKeys, List<BacktestCount> TopTargets, List<BacktestMatch> Samples);
