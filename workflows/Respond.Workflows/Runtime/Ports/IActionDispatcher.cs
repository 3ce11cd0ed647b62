using System.Text.Json.Nodes;

namespace Respond.Workflows.Runtime.Ports;

/// <summary>A response action a rule proposes: type, resolved target, parameters, where it came from.</summary>
/// <remarks><c>Target</c> keys: deviceId, userId, ip, processId, filePath (resolved from the event or the block's target config).</remarks>
public sealed record ProposedAction(
    ResponseActionType Type,
    string NodeId,
    IReadOnlyDictionary<string, string> Target,
    JsonObject Parameters,
    string RuleId,
    int RuleVersion,
    string OrganizationId,
    string EventId,
    string? AlertId,
    string? ApprovalRequestId,
    string WorkflowInstanceId);

public enum DispatchStatus { Completed, Failed, Pending }

/// <summary>
/// <c>Pending</c>: the action runs elsewhere (a job); the instance suspends on the action node until the
/// response-action feature resumes it on <c>completed</c> or <c>failed</c> with <c>ActionId</c> as the bookmark payload.
/// </summary>
public sealed record DispatchResult(DispatchStatus Status, string? ActionId, string? Error);

public interface IActionDispatcher
{
    ValueTask<DispatchResult> DispatchAsync(ProposedAction action, CancellationToken ct);
}
