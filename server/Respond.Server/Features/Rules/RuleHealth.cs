using GraphQL.Types;
using Respond.Server.Identity;

namespace Respond.Server.Features.Rules;

public enum RuleHealthStatus { Healthy, Erroring }

/// <summary>
/// Whether the version of the rule that runs (the current one when it is not running) runs cleanly. A run that faults (a <c>regex</c> past its time limit, a script
/// error, a block that throws) is kept in <c>ruleExecutions</c> as FAULTED; this flags the rule itself, so an error
/// that would let events slip past it is seen on the Rules page, not found by chance. Counted from the runs the
/// reader may see; a new running version starts the count afresh.
/// </summary>
public sealed record RuleHealth(RuleHealthStatus Status, int ErroredRuns, string? LastError, DateTimeOffset? LastErrorAt)
{
    public static async Task<RuleHealth> OfAsync(IRuleRunHistory runs, Rule rule, RespondPrincipal by, CancellationToken ct)
    {
        // Change control may keep an approved version running while a newer one waits: judge the one that runs.
        var faults = await runs.FaultsAsync(rule.Id, rule.RunningVersion ?? rule.Version, by, ct);
        return faults.Count == 0
            ? new RuleHealth(RuleHealthStatus.Healthy, 0, null, null)
            : new RuleHealth(RuleHealthStatus.Erroring, faults.Count, faults.LastError, faults.LastAt);
    }
}

public sealed class RuleHealthType : ObjectGraphType<RuleHealth>
{
    public RuleHealthType()
    {
        Name = "RuleHealth";
        Description = "Whether runs of the rule's running version errored; their details are in ruleExecutions (status FAULTED).";
        Field<NonNullGraphType<EnumerationGraphType<RuleHealthStatus>>>("status").Resolve(c => c.Source.Status)
            .Description("ERRORING when a run of the running version faulted (e.g. a regex ran past its time limit); else HEALTHY.");
        Field(h => h.ErroredRuns).Description("Faulted runs of the running version that you can see.");
        Field(h => h.LastError, nullable: true).Description("The error of the latest of them.");
        Field(h => h.LastErrorAt, nullable: true);
    }
}
