using Respond.Workflows;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Approvals;

public sealed class ApprovalOptions
{
    public const string Section = "Respond:Approvals";

    /// <summary>`Respond:Approvals:DefaultTimeout`: how long an approval gate waits when its block sets no timeout.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>`Respond:Approvals:RuleActivationTimeout`: how long a rule's activation waits for a second principal.</summary>
    public TimeSpan RuleActivationTimeout { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Published when a request opens / is decided, so subscribers can tell the two apart.</summary>
public sealed record ApprovalRequested(ApprovalRequest Request);

public sealed record ApprovalDecided(ApprovalRequest Request);

/// <summary>Published when an escalation step fired: <paramref name="Notice"/> says who was told.</summary>
public sealed record ApprovalEscalated(ApprovalRequest Request, ApprovalNotice Notice);

/// <summary>How a proposed action is shown on an approval request (and stored with it).</summary>
public sealed record ProposedActionView(ResponseActionType Type, IReadOnlyDictionary<string, string> Target, string Parameters, string? NodeId, string? ActionId = null)
{
    public static ProposedActionView From(ProposedAction a) => new(a.Type, a.Target, a.Parameters.ToJsonString(), a.NodeId);
}
