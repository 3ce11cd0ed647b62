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
        ],
        null);
}
