using Microsoft.Extensions.Options;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Keeps ingestion from running away from evaluation: past <see cref="EngineOptions.MaxEvaluationLag"/> events stored
/// and not yet evaluated, a batch is refused before it is read (nothing of it is stored), with how long to wait: the
/// time evaluation needs, at its measured rate, to bring the lag down to half the limit.
/// </summary>
public sealed class EvaluationBackpressure(EvaluationPartitions partitions, IOptions<EngineOptions> options, TimeProvider time, ILogger<EvaluationBackpressure> logger)
{
    public const int DefaultRetryAfterSeconds = 5;
    public const int MaxRetryAfterSeconds = 60;
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private long _windowCount;
    private double _rate;
    private DateTimeOffset _lastLogged = DateTimeOffset.MinValue;

    /// <summary>Evaluated events per second, measured over the last couple of seconds of work.</summary>
    public double EventsPerSecond
    {
        get { lock (_gate) return _rate; }
    }

    public long Limit => options.Value.MaxEvaluationLag;

    /// <summary>Null when ingestion may go on; else the seconds a sender should wait (the batch is not accepted).</summary>
    public int? RetryAfter()
    {
        var lag = partitions.Pending;
        if (lag <= Limit) return null;
        var rate = EventsPerSecond;
        var seconds = rate > 0 ? (int)Math.Ceiling((lag - Limit / 2.0) / rate) : DefaultRetryAfterSeconds;
        seconds = Math.Clamp(seconds, 1, MaxRetryAfterSeconds);
        if (ShouldLog()) EngineLog.IngestionRefused(logger, lag, Limit, seconds);
        return seconds;
    }

    internal void Evaluated(int count)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_windowStart == DateTimeOffset.MinValue) _windowStart = now;
            _windowCount += count;
            var elapsed = now - _windowStart;
            if (elapsed >= RateWindow)
            {
                _rate = _windowCount / elapsed.TotalSeconds;
                (_windowStart, _windowCount) = (now, 0);
            }
        }
        var lag = partitions.Pending;
        if (lag > Limit / 2 && ShouldLog())
            EngineLog.Behind(logger, lag, EventsPerSecond > 0 ? lag / EventsPerSecond : double.NaN, Limit);
    }

    private bool ShouldLog()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now - _lastLogged < LogEvery) return false;
            _lastLogged = now;
            return true;
        }
    }
}
