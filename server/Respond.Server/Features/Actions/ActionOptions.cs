namespace Respond.Server.Features.Actions;

/// <summary>`Respond:Actions`: timing of execution, retries and verification, and the blast-radius guard.</summary>
public sealed class ActionOptions
{
    public const string Section = "Respond:Actions";

    /// <summary>How long after an action completes its effect is verified (seed 002: 60 seconds).</summary>
    public TimeSpan VerificationDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts per action, the first included, before a transient failure becomes FAILED.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles per attempt (capped at <see cref="MaxRetryDelay"/>) unless the service says how long.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a handed-over action (webhook, agent) may take to report its result before it is FAILED.</summary>
    public TimeSpan ResultTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public BlastRadiusOptions BlastRadius { get; set; } = new();

    /// <summary>Most targets one bulk submission may name.</summary>
    public int MaxBulkTargets { get; set; } = 500;
}

/// <summary>
/// Automation that runs away is worse than none: past <see cref="MaxAutomaticActions"/> automatic actions of one type by
/// one rule in one organization within <see cref="Window"/>, further ones wait for a person.
/// </summary>
public sealed class BlastRadiusOptions
{
    public int MaxAutomaticActions { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
}
