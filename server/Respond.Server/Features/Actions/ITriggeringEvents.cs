namespace Respond.Server.Features.Actions;

/// <summary>
/// The event that started a rule instance, as stored with the instance (a script an action block runs sees it). Owned
/// here so that Actions never reads the engine's tables; the engine implements it.
/// </summary>
public interface ITriggeringEvents
{
    /// <summary>The event's JSON; null when no such instance is stored.</summary>
    Task<string?> EventJsonAsync(string workflowInstanceId, CancellationToken ct);
}
