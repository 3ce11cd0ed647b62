using System.Collections.Concurrent;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Tests.Features.Engine;

/// <summary>Stands in for the response-action dispatcher, so engine tests see exactly what rules dispatch; reports success.</summary>
public sealed class RecordingDispatcher : IActionDispatcher
{
    public ConcurrentQueue<ProposedAction> Dispatched { get; } = new();

    public ValueTask<DispatchResult> DispatchAsync(ProposedAction action, CancellationToken ct)
    {
        Dispatched.Enqueue(action);
        return ValueTask.FromResult(new DispatchResult(DispatchStatus.Completed, "act-" + Dispatched.Count, null));
    }
}
