using System.Text.Json.Nodes;
using Respond.Workflows.Activities.Actions;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Gates;

/// <summary>
/// <c>gate.approval</c>: suspends the instance until a person approves or rejects, or the timeout passes.
/// Dual control applies: whoever caused the request can never decide it.
/// </summary>
public sealed class ApprovalGate : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "gate.approval",
        BlockCategory.Gate,
        "Approval",
        "Waits until a person approves or rejects (never the requester), or the timeout passes.",
        BlockPorts.Approval,
        [
            new("timeout", ConfigFieldType.Duration, false, "How long to wait before taking 'expired'; the configured default when left out."),
            new("approvers", ConfigFieldType.Array, false, "Roles or principal ids that may decide; any Approver when left out.",
                ItemType: ConfigFieldType.String),
            new("approvalsRequired", ConfigFieldType.Integer, false,
                $"Quorum: how many distinct people must approve (1..{MaxApprovalsRequired}, default 1); the first rejection decides."),
        ],
        null);

    /// <summary><c>ActionNodeIds</c>: the action nodes behind the approved port (up to the next gate), in graph order.</summary>
    public sealed record Settings(TimeSpan? Timeout, IReadOnlyList<string> Approvers, IReadOnlyList<string> ActionNodeIds, int ApprovalsRequired);

    public const int MaxApprovalsRequired = 10;

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        // Below 1 the generic integer check already reports it.
        if (config["approvalsRequired"] is { } quorum && ConfigValues.Integer(quorum) > MaxApprovalsRequired)
        {
            context.Needs("approvalsRequired", $"to be a whole number from 1 to {MaxApprovalsRequired}");
        }
    }

    public override object Compile(WorkflowNode node, WorkflowDefinition definition)
    {
        var nodes = definition.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var edges = definition.Edges.ToLookup(edge => edge.From, StringComparer.Ordinal);
        var actions = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(edges[node.Id].Where(edge => edge.Port == BlockPorts.Approved).Select(edge => edge.To));
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id) || !nodes.TryGetValue(id, out var next) || next.Type == Descriptor.Id)
            {
                continue; // a further gate asks for its own approval
            }
            if (ResponseActionTypes.TryGetByBlockId(next.Type, out _))
            {
                actions.Add(id);
            }
            foreach (var edge in edges[id])
            {
                queue.Enqueue(edge.To);
            }
        }
        var quorum = node.Config["approvalsRequired"] is { } q ? ConfigValues.Integer(q) : 1;
        return new Settings(ConfigValues.Duration(node.Config["timeout"]), ConfigValues.Strings(node.Config["approvers"]), actions, quorum);
    }

    /// <summary>
    /// Opens an approval request listing the actions behind <c>approved</c> with their targets resolved from the event,
    /// then suspends. The bookmark id is the approval request id: a decision resumes with it, and so does the expiry
    /// timer scheduled for the request's <c>ExpiresAt</c>.
    /// </summary>
    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var settings = context.Node.Compiled<Settings>();
        var proposed = new List<ProposedAction>();
        var unresolved = new JsonArray();
        foreach (var id in settings.ActionNodeIds)
        {
            var (action, missing) = context.Rule.Nodes[id].Compiled<ActionPlan>().Propose(context, null);
            if (missing is null)
            {
                proposed.Add(action);
            }
            else
            {
                unresolved.Add(new JsonObject { ["nodeId"] = id, ["missing"] = missing });
            }
        }
        var expiresAt = context.Now + (settings.Timeout ?? context.Options.DefaultApprovalTimeout);
        var snapshot = context.Rule.Snapshot;
        var requestId = await context.Approvals.OpenAsync(new ApprovalOpening(
            context.Instance.Id, context.Node.Id, snapshot.RuleId, snapshot.Version, context.Event.OrganizationId, context.Event.Id,
            (string?)context.Instance.Variables[WorkflowEngine.AlertIdVariable], proposed, settings.Approvers, expiresAt, settings.ApprovalsRequired), ct).ConfigureAwait(false);
        context.Instance.Variables[WorkflowEngine.ApprovalRequestIdVariable] = requestId;
        var detail = new JsonObject
        {
            ["approvalRequestId"] = requestId,
            ["expiresAt"] = expiresAt,
            ["proposedActions"] = new JsonArray([.. proposed.Select(a => (JsonNode)ActionPlan.Describe(a))]),
        };
        if (unresolved.Count > 0)
        {
            detail["unresolved"] = unresolved;
        }
        return BlockResult.Suspend(new Bookmark(requestId, context.Node.Id, Bookmark.Approval, requestId, expiresAt), detail);
    }
}
