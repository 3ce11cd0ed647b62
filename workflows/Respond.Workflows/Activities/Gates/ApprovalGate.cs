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
            new("escalation", ConfigFieldType.Array, false,
                "Steps { after: ISO duration, notify: [principal ids, roles or 'on-call'] }: after each delay the next group is notified and may decide too; after the last step the request waits for the timeout and takes 'expired'.",
                ItemType: ConfigFieldType.Object,
                Fields:
                [
                    new("after", ConfigFieldType.Duration, true, "Delay after the previous step (the first: after the request opened)."),
                    new("notify", ConfigFieldType.Array, true, "Principal ids, roles, or 'on-call' for the organization's on-call list.", ItemType: ConfigFieldType.String),
                ]),
        ],
        null);

    /// <summary><c>ActionNodeIds</c>: the action nodes behind the approved port (up to the next gate), in graph order.</summary>
    public sealed record Settings(TimeSpan? Timeout, IReadOnlyList<string> Approvers, IReadOnlyList<string> ActionNodeIds, int ApprovalsRequired,
        IReadOnlyList<EscalationStep> Escalation);

    public const int MaxApprovalsRequired = 10;

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        // Below 1 the generic integer check already reports it.
        if (config["approvalsRequired"] is { } quorum && ConfigValues.Integer(quorum) > MaxApprovalsRequired)
        {
            context.Needs("approvalsRequired", $"to be a whole number from 1 to {MaxApprovalsRequired}");
        }
        if (config["escalation"] is not JsonArray steps)
        {
            return;
        }
        if (steps.Count > EscalationStep.MaxSteps)
        {
            context.Needs("escalation", $"to have at most {EscalationStep.MaxSteps} steps");
        }
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i] as JsonObject;
            if (ConfigValues.Duration(step?["after"]) is { } after && after < EscalationStep.MinDelay)
            {
                context.Needs($"escalation[{i}].after", $"to be at least {EscalationStep.MinDelay.TotalMinutes:0} minute");
            }
            if (step?["notify"] is JsonArray notify && notify.Count is 0 or > EscalationStep.MaxRecipients)
            {
                context.Needs($"escalation[{i}].notify", $"to list 1 to {EscalationStep.MaxRecipients} principal ids, roles or 'on-call'");
            }
        }
        var total = steps.OfType<JsonObject>().Sum(s => ConfigValues.Duration(s["after"])?.Ticks ?? 0);
        if (ConfigValues.Duration(config["timeout"]) is { } timeout && total >= timeout.Ticks)
        {
            context.Needs("timeout", "to be longer than all escalation delays together, or the last step could never fire");
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
        var escalation = node.Config["escalation"] is JsonArray steps
            ? steps.OfType<JsonObject>().Select(s => new EscalationStep(ConfigValues.Duration(s["after"])!.Value, ConfigValues.Strings(s["notify"]))).ToList()
            : [];
        return new Settings(ConfigValues.Duration(node.Config["timeout"]), ConfigValues.Strings(node.Config["approvers"]), actions, quorum, escalation);
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
            (string?)context.Instance.Variables[WorkflowEngine.AlertIdVariable], proposed, settings.Approvers, expiresAt, settings.ApprovalsRequired, settings.Escalation), ct).ConfigureAwait(false);
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
