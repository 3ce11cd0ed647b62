using System.Text.Json;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Rules;

public sealed record DuplicateRuleInput(string Id, string? Name);

public sealed class DuplicateRuleInputType : InputObjectGraphType<DuplicateRuleInput>
{
    public DuplicateRuleInputType()
    {
        Name = "DuplicateRuleInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Name, nullable: true).Description("Defaults to \"<name> (copy)\".");
    }
}

/// <summary>Seed 000 "Duplicate": a new draft from an existing rule as a starting point.</summary>
internal sealed class DuplicateRule(RespondDbContext db, RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(DuplicateRuleInput input, RespondPrincipal by, CancellationToken ct)
    {
        var source = await db.Rules.AsNoTracking().WhereScopeVisibleTo(r => r.Organizations, by).SingleOrDefaultAsync(r => r.Id == input.Id, ct);
        if (source is null) return RulePayload.Fail(UserError.NotFound("rule"));
        var name = input.Name ?? source.Name + " (copy)";
        if (RuleInput.CheckName(name) is { } nameError) return RulePayload.Fail(nameError);
        // A copy keeps the source's scope only where the caller may manage it.
        var organizations = by.SeesAllOrganizations ? source.OrganizationIds : source.OrganizationIds.Where(by.CanSee).ToList();
        if (!by.SeesAllOrganizations && organizations.Count == 0) organizations = by.Organizations.ToList();
        var copy = Rule.Draft(name, source.Description, organizations, by.Id, rules.Now, source.TemplateId);
        RuleDefinition.Apply(copy, JsonDocument.Parse(source.DefinitionJson).RootElement, source.Outcome);
        rules.Add(copy);
        return await rules.SaveAsync(copy, by, "rule.duplicated", $"duplicated from {source.Id} v{source.Version}", new { SourceRuleId = source.Id }, ct) is { } e
            ? RulePayload.Fail(e)
            : RulePayload.Ok(copy);
    }
}
