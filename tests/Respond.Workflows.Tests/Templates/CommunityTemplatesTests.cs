using Respond.Workflows.Templates;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Tests.Templates;

public sealed class CommunityTemplatesTests
{
    public static TheoryData<string> TemplateIds() => [.. CommunityTemplates.All.Select(template => template.Id)];

    [Fact]
    public void All_Loaded_HasAtLeastTwelveTemplatesWithUniqueIds()
    {
        var templates = CommunityTemplates.All;

        Assert.True(templates.Count >= 12, $"only {templates.Count} templates");
        Assert.Equal(templates.Count, templates.Select(t => t.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void Template_ValidatedForItsOutcome_HasNoErrors(string id)
    {
        var template = CommunityTemplates.Find(id)!;

        var errors = DefinitionValidator.Validate(template.Definition, template.Outcome);

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void Template_EveryNode_HasAPositionForTheDesigner(string id)
    {
        var template = CommunityTemplates.Find(id)!;

        var definition = WorkflowDefinition.Parse(template.Definition).Definition;

        Assert.All(definition.Nodes, node => Assert.NotNull(node.Position));
    }

    [Fact]
    public void All_Outcomes_CoverEveryRuleOutcome()
    {
        var outcomes = CommunityTemplates.All.Select(t => t.Outcome).ToHashSet();

        Assert.Equal(Enum.GetValues<RuleOutcome>().ToHashSet(), outcomes);
    }

    [Fact]
    public void Find_UnknownId_ReturnsNull()
    {
        var template = CommunityTemplates.Find("no-such-template");

        Assert.Null(template);
    }
}
