using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Features.Templates;

public sealed class TemplatesApiTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    [Fact]
    public async Task CommunityTemplates_AtLeastTwelveWithDescriptions()
    {
        var response = await api.GraphQLAsync("viewer", "{ communityTemplates { id name description outcome definition } }");

        var templates = response.At("data.communityTemplates").AsArray();
        Assert.True(templates.Count >= 12);
        Assert.All(templates, t => Assert.False(string.IsNullOrWhiteSpace(t!.Str("description"))));
    }

    [Fact]
    public async Task DuplicateTemplate_CreatesValidDraftRuleWithTheTemplatesLogic()
    {
        var template = (await api.GraphQLAsync("viewer", "{ communityTemplates { id name definition } }")).At("data.communityTemplates.0");

        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { duplicateTemplate(input: { templateId: $id }) { rule { status isValid templateId organizationIds definition } errors { code } } }",
            new { id = template.Str("id") });

        var rule = response.At("data.duplicateTemplate.rule");
        Assert.Equal("DRAFT", rule.Str("status"));
        Assert.True(rule.At("isValid").GetValue<bool>());
        Assert.Equal(template.Str("id"), rule.Str("templateId"));
        Assert.Equal("[\"org-a\"]", rule.At("organizationIds").ToJsonString());
        Assert.True(JsonNode.DeepEquals(template.At("definition"), rule.At("definition")));
    }

    [Fact]
    public async Task DuplicateTemplate_UnknownTemplate_NotFound()
    {
        var response = await api.GraphQLAsync("author-a", "mutation { duplicateTemplate(input: { templateId: \"no-such-template\" }) { errors { code } } }");

        Assert.Equal("NOT_FOUND", response.Errors("duplicateTemplate").Single()!.Str("code"));
    }
}
