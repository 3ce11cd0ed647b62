using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Features.Rules;

public abstract class RulesApiTests(RespondApiFixture api)
{
    private const string RuleFields = "id name status outcome version isValid definition organizationIds validationErrors { nodeId field message }";

    private async Task<JsonNode> CreateAsync(string client, string definition, string outcome = "ALERT_ONLY", string[]? orgs = null, string name = "Failed sign-in burst")
    {
        var response = await api.GraphQLAsync(client, $$"""
            mutation($input: CreateRuleInput!) { createRule(input: $input) { rule { {{RuleFields}} } errors { code message path } } }
            """, new { input = new { name, outcome, organizationIds = orgs ?? ["org-a"], definition = JsonDocument.Parse(definition).RootElement } });
        Assert.Empty(response.Errors("createRule"));
        return response.At("data.createRule.rule");
    }

    [SkippableFact]
    public async Task CreateRule_ValidDefinition_ReturnsDefinitionJsonEqualToInput()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RuleDefinitions.ValidAlertOnly), rule.At("definition")));
        Assert.Equal("DRAFT", rule.Str("status"));
        Assert.True(rule.At("isValid").GetValue<bool>());

        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { rule(id: $id) { definition } }", new { id = rule.Str("id") });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RuleDefinitions.ValidAlertOnly), read.At("data.rule.definition")));
    }

    [SkippableFact]
    public async Task CreateRule_InvalidDefinition_SavedAsDraftWithNodeLevelErrors()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.InvalidThreshold);

        Assert.Equal("DRAFT", rule.Str("status"));
        Assert.False(rule.At("isValid").GetValue<bool>());
        var errors = rule.At("validationErrors").AsArray();
        Assert.Contains(errors, e => e!["nodeId"]?.GetValue<string>() == "burst" && e["field"]!.GetValue<string>().Contains("count"));
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("maybe"));
    }

    [SkippableFact]
    public async Task ActivateRule_InvalidDefinition_RefusedAndStaysDraft()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.InvalidThreshold);

        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { activateRule(input: { id: $id }) { rule { status } errors { code } } }", new { id = rule.Str("id") });

        Assert.Equal("INVALID_DEFINITION", response.Errors("activateRule").Single()!.Str("code"));
        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { rule(id: $id) { status } }", new { id = rule.Str("id") });
        Assert.Equal("DRAFT", read.Str("data.rule.status"));
    }

    [SkippableFact]
    public async Task ActivateThenPause_ValidRule_MovesThroughStatusesAndRecordsVersions()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);
        var id = rule.Str("id");

        var activated = await api.GraphQLAsync("author-a", "mutation($id: ID!) { activateRule(input: { id: $id }) { rule { status } errors { code } } }", new { id });
        var paused = await api.GraphQLAsync("author-a", "mutation($id: ID!) { pauseRule(input: { id: $id }) { rule { status version versions { version change } } errors { code } } }", new { id });

        Assert.Equal("ACTIVE", activated.Str("data.activateRule.rule.status"));
        Assert.Equal("PAUSED", paused.Str("data.pauseRule.rule.status"));
        var changes = paused.At("data.pauseRule.rule.versions").AsArray().Select(v => v!.Str("change")).ToList();
        Assert.Equal(["paused", "activated", "created"], changes);
    }

    [SkippableFact]
    public async Task UpdateRule_StaleExpectedVersion_RefusedAndNothingOverwritten()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);
        var id = rule.Str("id");
        var first = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateRule(input: { id: $id, expectedVersion: 1, name: \"First edit\" }) { rule { version } errors { code } } }", new { id });
        Assert.Equal(2, first.At("data.updateRule.rule.version").GetValue<int>());

        var stale = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateRule(input: { id: $id, expectedVersion: 1, name: \"Second edit\" }) { rule { version } errors { code path } } }", new { id });

        var error = stale.Errors("updateRule").Single()!;
        Assert.Equal("STALE_VERSION", error.Str("code"));
        Assert.Equal("expectedVersion", error.At("path").AsArray().Last()!.GetValue<string>());
        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { rule(id: $id) { name version } }", new { id });
        Assert.Equal("First edit", read.Str("data.rule.name"));
        Assert.Equal(2, read.At("data.rule.version").GetValue<int>());
    }

    [SkippableFact]
    public async Task UpdateRule_InvalidEditOfActiveRule_KeepsEditAndReturnsToDraft()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);
        var id = rule.Str("id");
        await api.GraphQLAsync("author-a", "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id });

        var update = await api.GraphQLAsync("author-a", "mutation($id: ID!, $d: JSON!) { updateRule(input: { id: $id, expectedVersion: 2, definition: $d }) { rule { status isValid definition } errors { code } } }",
            new { id, d = JsonDocument.Parse(RuleDefinitions.InvalidThreshold).RootElement });

        Assert.Empty(update.Errors("updateRule"));
        Assert.Equal("DRAFT", update.Str("data.updateRule.rule.status"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RuleDefinitions.InvalidThreshold), update.At("data.updateRule.rule.definition")));
    }

    [SkippableFact]
    public async Task DuplicateRule_CreatesDraftCopyWithSameDefinition()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);

        var copy = await api.GraphQLAsync("author-a", "mutation($id: ID!) { duplicateRule(input: { id: $id }) { rule { id name status definition } errors { code } } }", new { id = rule.Str("id") });

        var created = copy.At("data.duplicateRule.rule");
        Assert.NotEqual(rule.Str("id"), created.Str("id"));
        Assert.Equal("Failed sign-in burst (copy)", created.Str("name"));
        Assert.Equal("DRAFT", created.Str("status"));
        Assert.True(JsonNode.DeepEquals(rule.At("definition"), created.At("definition")));
    }

    [SkippableFact]
    public async Task DeleteRule_RemovesRuleAndAuditsItsDefinition()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly);
        var id = rule.Str("id");

        var deleted = await api.GraphQLAsync("author-a", "mutation($id: ID!) { deleteRule(input: { id: $id }) { deletedRuleId errors { code } } }", new { id });

        Assert.Equal(id, deleted.Str("data.deleteRule.deletedRuleId"));
        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { rule(id: $id) { id } }", new { id });
        Assert.Null(read.At("data")["rule"]);
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"rule.deleted\" }) { edges { node { before } } } }", new { id });
        Assert.Contains("Failed sign-in burst", audit.At("data.auditTrail.edges.0.node.before").ToJsonString());
    }

    [SkippableFact]
    public async Task ConvertRuleToIoc_MatchRule_KeepsIpsHashesAndProcessNames()
    {
        var rule = await CreateAsync("author-a", RuleDefinitions.IocMatch);

        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { convertRuleToIoc(input: { id: $id }) { iocRule { id sourceRuleId ips hashes processNames } errors { code } } }", new { id = rule.Str("id") });

        var ioc = response.At("data.convertRuleToIoc.iocRule");
        Assert.Equal(["198.51.100.9", "203.0.113.7"], ioc.At("ips").AsArray().Select(x => x!.GetValue<string>()));
        Assert.Single(ioc.At("hashes").AsArray());
        Assert.Equal("mimikatz.exe", ioc.At("processNames.0").GetValue<string>());
        var list = await api.GraphQLAsync("author-a", "{ iocRules { id } }");
        Assert.Contains(list.At("data.iocRules").AsArray(), r => r!.Str("id") == ioc.Str("id"));
    }

    [SkippableFact]
    public async Task Rules_FilterByStatusOutcomeAndText_ReturnsOnlyMatches()
    {
        await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly, name: "Zebra detection unique-7781");
        await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly, name: "Other rule");

        var found = await api.GraphQLAsync("author-a", "{ rules(where: { text: \"unique-7781\", status: DRAFT, outcome: ALERT_ONLY }) { totalCount edges { node { name } } } }");

        Assert.Equal(1, found.At("data.rules.totalCount").GetValue<int>());
        Assert.Equal("Zebra detection unique-7781", found.Str("data.rules.edges.0.node.name"));
    }

    [SkippableFact]
    public async Task CreateRule_AsViewer_RefusedWithForbiddenAndNothingStored()
    {
        var response = await api.GraphQLAsync("viewer", """
            mutation($d: JSON!) { createRule(input: { name: "viewer rule 5521", outcome: ALERT_ONLY, definition: $d }) { rule { id } errors { code } } }
            """, new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });

        Assert.Equal("FORBIDDEN", response.At("errors.0.extensions.code").GetValue<string>());
        var rules = await api.GraphQLAsync("admin", "{ rules(where: { text: \"viewer rule 5521\" }) { totalCount } }");
        Assert.Equal(0, rules.At("data.rules.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task Rules_ClientOfOrgB_SeesNoneOfOrgARules()
    {
        var ruleA = await CreateAsync("author-a", RuleDefinitions.ValidAlertOnly, name: "Alpha only 9911");

        var list = await api.GraphQLAsync("author-b", "{ rules(first: 200) { edges { node { id organizationIds } } } }");
        var single = await api.GraphQLAsync("author-b", "query($id: ID!) { rule(id: $id) { id } }", new { id = ruleA.Str("id") });
        var update = await api.GraphQLAsync("author-b", "mutation($id: ID!) { updateRule(input: { id: $id, expectedVersion: 1, name: \"hijack\" }) { errors { code } } }", new { id = ruleA.Str("id") });

        Assert.DoesNotContain(list.At("data.rules.edges").AsArray(), e => e!.Str("node.id") == ruleA.Str("id"));
        Assert.All(list.At("data.rules.edges").AsArray(), e => Assert.DoesNotContain("org-a", e!.At("node.organizationIds").ToJsonString()));
        Assert.Null(single.At("data")["rule"]);
        Assert.Equal("NOT_FOUND", update.Errors("updateRule").Single()!.Str("code"));
    }

    [SkippableFact]
    public async Task CreateRule_ScopedToOrganizationOutsidePrincipal_Refused()
    {
        var response = await api.GraphQLAsync("author-b", """
            mutation($d: JSON!) { createRule(input: { name: "cross-tenant", outcome: ALERT_ONLY, organizationIds: ["org-a"], definition: $d }) { rule { id } errors { code } } }
            """, new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });

        Assert.Equal("NOT_FOUND", response.Errors("createRule").Single()!.Str("code"));
    }

    [SkippableFact]
    public async Task CreateRule_TenThousandNodes_SavedAsDraftWithSingleSizeError()
    {
        var rule = await CreateAsync("admin", RuleDefinitions.WithNodes(10_000), orgs: []);

        Assert.False(rule.At("isValid").GetValue<bool>());
        var errors = rule.At("validationErrors").AsArray();
        Assert.Single(errors);
        Assert.Contains("500", errors[0]!.Str("message"));
        var stillServing = await api.GraphQLAsync("admin", "{ viewer { id } }");
        Assert.Equal("admin", stillServing.Str("data.viewer.id"));
    }

    public sealed class OnSqlite(RespondApiFixture api) : RulesApiTests(api), IClassFixture<RespondApiFixture>;

    public sealed class OnPostgreSql : RulesApiTests, IClassFixture<PostgreSqlApiFixture>
    {
        public OnPostgreSql(PostgreSqlApiFixture api) : base(api) => PostgreSqlTestServer.Require();
    }
}
