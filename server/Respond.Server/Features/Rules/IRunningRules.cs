namespace Respond.Server.Features.Rules;

/// <summary>
/// The rules that run (the engine's index). Owned here so a rule change reaches the engine without Rules depending on
/// it; the engine implements it. Told after the change is committed, for one rule: only that rule is loaded and compiled again.
/// </summary>
public interface IRunningRules
{
    Task RuleChangedAsync(string ruleId, CancellationToken ct);
}
