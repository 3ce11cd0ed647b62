namespace Respond.Workflows;

/// <summary>What a rule may do when it fires (seed 000: alert-only, manual approval, automatic execution).</summary>
public enum RuleOutcome
{
    AlertOnly,
    ManualApproval,
    Automatic,
}
