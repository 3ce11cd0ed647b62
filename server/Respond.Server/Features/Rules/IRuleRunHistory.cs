using Respond.Server.Identity;

namespace Respond.Server.Features.Rules;

/// <summary>The faulted runs of one rule version that a principal may see: how many, and the latest one's error.</summary>
public sealed record RuleRunFaults(int Count, string? LastError, DateTimeOffset? LastAt);

/// <summary>
/// The stored runs of rules, as far as the Rules page needs them (<see cref="RuleHealth"/>). Owned here so that Rules
/// never reads the engine's tables; the engine implements it.
/// </summary>
public interface IRuleRunHistory
{
    Task<RuleRunFaults> FaultsAsync(string ruleId, int version, RespondPrincipal by, CancellationToken ct);
}
