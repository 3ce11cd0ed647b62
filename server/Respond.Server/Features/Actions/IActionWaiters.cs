namespace Respond.Server.Features.Actions;

/// <summary>
/// Whoever waits on an action (the rule engine: an instance suspended on an action block). Owned here so that Actions
/// never reaches into the engine; the engine implements it. Told only after the action's end is committed.
/// </summary>
public interface IActionWaiters
{
    Task ActionEndedAsync(string workflowInstanceId, string actionId, string port, CancellationToken ct);
}
