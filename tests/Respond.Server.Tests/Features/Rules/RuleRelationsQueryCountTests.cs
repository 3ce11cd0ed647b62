using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Respond.Server.Tests.Features.Rules;

/// <summary>A page of rules with their organizations and versions costs the same number of SQL commands whatever its size.</summary>
public sealed class RuleRelationsQueryCountTests
{
    private const string Page = "{ rules(first: 100) { edges { node { id name organizations { id name } versions { version change } } } } }";

    [Fact]
    public async Task RulesPage_WithOrganizationsAndVersions_SqlCommandsConstantInTheNumberOfRules()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(new RespondApiFixture());
        await CreateRulesAsync(api, 3);
        var few = await CountAsync(api, commands);
        await CreateRulesAsync(api, 30);

        var many = await CountAsync(api, commands);

        Assert.Equal(few, many);
        Assert.True(many <= 2, $"{many} commands read organizations or versions");
    }

    /// <summary>
    /// Commands reading the organizations or versions tables while the page is answered. The host's own background work
    /// (the rule index refreshing after a change) may read them too, so the fewest of two runs is taken.
    /// </summary>
    private static async Task<int> CountAsync(RespondApiFixture api, SqlCommandLog commands)
    {
        var counts = new List<int>();
        for (var run = 0; run < 2; run++)
        {
            commands.Clear();
            var response = await api.GraphQLAsync("admin", Page);
            Assert.Null(response["errors"]);
            Assert.NotEmpty(response.At("data.rules.edges.0.node.organizations").AsArray());
            counts.Add(commands.Reading("Organizations", "RuleVersions"));
        }
        return counts.Min();
    }

    private static async Task CreateRulesAsync(RespondApiFixture api, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var response = await api.GraphQLAsync("admin", """
                mutation($d: JSON!) { createRule(input: { name: "page rule", outcome: ALERT_ONLY, organizationIds: ["org-a", "org-b"], definition: $d }) { errors { code } } }
                """, new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });
            Assert.Empty(response.Errors("createRule"));
        }
    }
}
