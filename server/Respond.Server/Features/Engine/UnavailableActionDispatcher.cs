using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Until response actions exist, an action block fails with this reason and the rule takes its `failed` port;
/// alerts and approvals are unaffected (seed 000: rules evaluate and alert without a working connection).
/// </summary>
public sealed class UnavailableActionDispatcher : IActionDispatcher
{
    public ValueTask<DispatchResult> DispatchAsync(ProposedAction action, CancellationToken ct) =>
        ValueTask.FromResult(new DispatchResult(DispatchStatus.Failed, null, "Response action execution is not available in this version of Respond."));
}
