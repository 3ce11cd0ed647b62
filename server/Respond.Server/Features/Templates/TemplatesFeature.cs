using GraphQL;
using GraphQL.Types;
using Respond.Server.Features.Rules;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;
using Respond.Workflows.Templates;

namespace Respond.Server.Features.Templates;

public sealed class RuleTemplateType : ObjectGraphType<RuleTemplate>
{
    public RuleTemplateType()
    {
        Name = "RuleTemplate";
        Description = "A read-only community template (seed 000). Templates never run; duplicate one into a draft rule.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(t => t.Name);
        Field(t => t.Description).Description("What the template detects and what it does about it.");
        Field<NonNullGraphType<EnumerationGraphType<RuleOutcome>>>("outcome").Resolve(c => c.Source.Outcome);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("tags").Resolve(c => c.Source.Tags);
        Field<NonNullGraphType<JsonGraphType>>("definition").Resolve(c => c.Source.Definition);
    }
}

public sealed record DuplicateTemplateInput(string TemplateId, string? Name, List<string>? OrganizationIds);

public sealed class DuplicateTemplateInputType : InputObjectGraphType<DuplicateTemplateInput>
{
    public DuplicateTemplateInputType()
    {
        Name = "DuplicateTemplateInput";
        Field<NonNullGraphType<IdGraphType>>("templateId");
        Field(i => i.Name, nullable: true);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("organizationIds").Description("Scope of the new rule; empty or absent: all (or all of yours).");
    }
}

/// <summary>Seed 000: "A new Respond rule is created using the template's logic" — as a draft that is not evaluated until activated.</summary>
internal sealed class DuplicateTemplate(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(DuplicateTemplateInput input, RespondPrincipal by, CancellationToken ct)
    {
        var template = CommunityTemplates.Find(input.TemplateId);
        if (template is null) return RulePayload.Fail(UserError.NotFound("template", "templateId"));
        var organizations = (input.OrganizationIds ?? []).Distinct().ToList();
        if (organizations.Count == 0 && !by.SeesAllOrganizations) organizations = by.Organizations.ToList();
        if (await rules.CheckOrganizationsAsync(organizations, by, ct) is { } orgError) return RulePayload.Fail(orgError);
        var name = input.Name ?? template.Name;
        if (RuleInput.CheckName(name) is { } nameError) return RulePayload.Fail(nameError);
        var rule = Rule.Draft(name, template.Description, organizations, by.Id, rules.Now, template.Id);
        RuleDefinition.Apply(rule, template.Definition, template.Outcome);
        rules.Add(rule);
        return await rules.SaveAsync(rule, by, "template.duplicated", $"created from template {template.Id}", new { TemplateId = template.Id }, ct) is { } e
            ? RulePayload.Fail(e)
            : RulePayload.Ok(rule);
    }
}

public static class TemplatesFeature
{
    public static IServiceCollection AddTemplates(this IServiceCollection services) => services.AddScoped<DuplicateTemplate>();

    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RuleTemplateType>>>>("communityTemplates")
            .Resolve(c =>
            {
                c.RequireReader();
                return CommunityTemplates.All;
            });

    public static void Mutation(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<RulePayloadType>>("duplicateTemplate").Argument<NonNullGraphType<DuplicateTemplateInputType>>("input")
            .ResolveAsync(async c => await c.Service<DuplicateTemplate>().ExecuteAsync(
                c.GetArgument<DuplicateTemplateInput>("input"), c.Require(Roles.Admin, Roles.RuleAuthor), c.CancellationToken));
}
