namespace Respond.Workflows;

/// <summary>
/// One step of an approval's escalation: <see cref="After"/> the previous step (the first: after the request opened),
/// <see cref="Notify"/> is told and may decide too. Entries are principal ids, roles, or <see cref="OnCall"/> for the
/// organization's on-call list as it is when the step fires.
/// </summary>
public sealed record EscalationStep(TimeSpan After, IReadOnlyList<string> Notify)
{
    public const string OnCall = "on-call";
    public const int MaxSteps = 5;
    public const int MaxRecipients = 20;
    public static readonly TimeSpan MinDelay = TimeSpan.FromMinutes(1);
}

/// <summary>What an approval request does when it runs out of time after its last escalation step.</summary>
public enum ApprovalFallback
{
    /// <summary>The request expires and what waits on it does not run (the default).</summary>
    Expire,
    /// <summary>The request is approved by Respond itself: allowed only where a policy explicitly says so and gives the reason the audit quotes.</summary>
    Approve,
}
