using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Rules;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Validation;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.RuleTesting;

/// <summary>
/// The rule a test or backtest runs: a saved rule (by id, as the caller may see it) or an unsaved
/// definition from the designer's canvas, valid or refused with its validation errors.
/// </summary>
internal static class RuleUnderTest
{
    public static async Task<(RuleSnapshot? Rule, UserError? Error)> ResolveAsync(
        RespondDbContext db, RespondPrincipal by, string? ruleId, JsonElement? definition, RuleOutcome? outcome, CancellationToken ct)
    {
        if (ruleId is null && definition is null)
            return (null, new UserError(UserErrorCode.Validation, "Give a ruleId or a definition.", "ruleId"));
        RuleSnapshot rule;
        if (definition is { } d)
        {
            var o = outcome ?? RuleOutcome.AlertOnly;
            var errors = DefinitionValidator.Validate(d, o);
            if (errors.Count > 0)
                return (null, new UserError(UserErrorCode.InvalidDefinition, $"The definition has {errors.Count} validation error(s); first: {errors[0].Message}", "definition"));
            rule = RuleIndex.Snapshot(ruleId ?? "unsaved", "unsaved", 0, DefinitionHash.Compute(d), o, by.SeesAllOrganizations ? [] : [.. by.Organizations], d.GetRawText());
        }
        else
        {
            var saved = await db.Rules.AsNoTracking().WhereScopeVisibleTo(r => r.Organizations, by).SingleOrDefaultAsync(r => r.Id == ruleId, ct);
            if (saved is null) return (null, UserError.NotFound("rule", "ruleId"));
            if (!saved.IsValid)
                return (null, new UserError(UserErrorCode.InvalidDefinition, "The saved rule has validation errors; fix them before testing.", "ruleId"));
            rule = RuleIndex.Snapshot(saved.Id, saved.Name, saved.Version, saved.DefinitionHash, outcome ?? saved.Outcome, saved.OrganizationIds, saved.DefinitionJson);
        }
        return (rule, null);
    }
}
