using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>Records proposed actions instead of running them; answers <c>Completed</c> unless told otherwise.</summary>
public sealed class RecordingActionDispatcher(Func<ProposedAction, DispatchResult>? answer = null) : IActionDispatcher
{
    private readonly Lock gate = new();
    private readonly List<ProposedAction> dispatched = [];

    public IReadOnlyList<ProposedAction> Dispatched
    {
        get { lock (gate) { return [.. dispatched]; } }
    }

    public ValueTask<DispatchResult> DispatchAsync(ProposedAction action, CancellationToken ct)
    {
        lock (gate)
        {
            dispatched.Add(action);
            return ValueTask.FromResult(answer?.Invoke(action) ?? new DispatchResult(DispatchStatus.Completed, $"action-{dispatched.Count}", null));
        }
    }
}
