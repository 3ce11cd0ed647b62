namespace Respond.Workflows.Activities;

/// <summary>The designer palette's groups; the first segment of a block id (<c>condition.match</c>).</summary>
public enum BlockCategory
{
    Trigger,
    Condition,
    Gate,
    Alert,
    Action,
    Flow,
}
