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
        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await windows.FlushAsync(scope.ServiceProvider.GetRequiredService<RespondDbContext>(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EngineLog.WindowFlushFailed(logger, ex);
        }
    }
}
