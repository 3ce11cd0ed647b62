using System.Text.Json;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

public sealed record CreateRuleInput(string Name, string? Description, List<string>? OrganizationIds, RuleOutcome Outcome, JsonElement Definition);

public sealed class CreateRuleInputType : InputObjectGraphType<CreateRuleInput>
{
    public CreateRuleInputType()
    {
        Name = "CreateRuleInput";
        Field(i => i.Name);
        Field(i => i.Description, nullable: true);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("organizationIds").Description("Empty or absent: every organization.");
        Field<NonNullGraphType<EnumerationGraphType<RuleOutcome>>>("outcome");
        Field<NonNullGraphType<JsonGraphType>>("definition").Description("The workflow JSON (WORKFLOWS.md). Saved even when invalid, as a draft with validationErrors.");
    }
}

/// <summary>A new rule always starts as a draft: it runs only once activated.</summary>
internal sealed class CreateRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(CreateRuleInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (RuleInput.CheckName(input.Name) is { } nameError) return RulePayload.Fail(nameError);
        var organizations = (input.OrganizationIds ?? []).Distinct().ToList();
        if (await rules.CheckOrganizationsAsync(organizations, by, ct) is { } orgError) return RulePayload.Fail(orgError);
        var rule = Rule.Draft(input.Name, input.Description ?? "", organizations, by.Id, rules.Now);
        RuleDefinition.Apply(rule, input.Definition, input.Outcome);
        rules.Add(rule);
        return await rules.SaveAsync(rule, by, "rule.created", "created", null, ct) is { } error ? RulePayload.Fail(error) : RulePayload.Ok(rule);
    }
}

internal static class RuleInput
{
    public static UserError? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200
            ? new UserError(UserErrorCode.Validation, "A rule needs a name of 1 to 200 characters.", "name")
            : null;
}
