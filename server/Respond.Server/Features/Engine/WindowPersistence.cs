using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Writes changed windows to the database every <see cref="EngineOptions.WindowFlushInterval"/> and once more at
/// shutdown. Writing them with every batch cost more than the events themselves (a batch of 1,000 events can touch
/// tens of thousands of windows); a crash loses at most one interval of counting, a clean stop loses nothing.
/// </summary>
internal sealed class WindowPersistence(WindowCache windows, OpenAlertIndex openAlerts, RuleIndex rules, RuleEvaluator evaluator, IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<EngineOptions> options,
    TimeProvider time, ILogger<WindowPersistence> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WindowFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (evaluator.LatestEventTime > DateTimeOffset.UnixEpoch)
                    windows.Evict(rules.WindowLengths, evaluator.LatestEventTime);
                await FlushAsync(stoppingToken);
                openAlerts.Prune(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last chance to keep the counts: other services may still be writing while the host stops, so a
        // failed write (a busy database) is tried again a few times before it is given up.
        for (var attempt = 1; attempt <= 5 && !await FlushAsync(CancellationToken.None); attempt++)
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
    }

    private async Task<bool> FlushAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await windows.FlushAsync(scope.ServiceProvider.GetRequiredService<RespondDbContext>(), ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EngineLog.WindowFlushFailed(logger, ex);
            return false;
        }
    }
}
