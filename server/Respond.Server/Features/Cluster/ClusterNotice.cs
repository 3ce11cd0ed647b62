namespace Respond.Server.Features.Cluster;

/// <summary>What a committed change announces to the other nodes: its kind and the id of the row to load.</summary>
public enum ClusterNoticeKind { AlertRaised, ApprovalRequested, ApprovalDecided, ActionUpdated, AuditAppended, RuleChanged, AgentCommandRelayed, AgentCommandAnswered }

/// <summary>
/// One PostgreSQL notification on <see cref="Channel"/>, sent in the transaction of the change (so only committed changes
/// are announced, and every committed one is): the node that made it, the kind and an id, never the data (the payload
/// limit is 8,000 bytes; a listener loads what it needs).
/// </summary>
public sealed record ClusterNotice(string Origin, ClusterNoticeKind Kind, string Id)
{
    public const string Channel = "respond_changes";

    public string Payload => $"{Origin}|{Kind}|{Id}";

    public static ClusterNotice? Parse(string payload)
    {
        var parts = payload.Split('|', 3);
        return parts.Length == 3 && Enum.TryParse<ClusterNoticeKind>(parts[1], out var kind) && Enum.IsDefined(kind)
            ? new ClusterNotice(parts[0], kind, parts[2]) : null;
    }
}
