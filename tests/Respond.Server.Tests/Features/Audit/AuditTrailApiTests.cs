using System.Text.Json;
using Respond.Server.Tests.Features.Rules;

namespace Respond.Server.Tests.Features.Audit;

public abstract class AuditTrailApiTests(RespondApiFixture api)
{
    [SkippableFact]
    public async Task AuditTrail_ClientOfOrgB_SeesNoneOfOrgAEntries()
    {
        var created = await api.GraphQLAsync("author-a", "mutation($d: JSON!) { createRule(input: { name: \"audited in A\", outcome: ALERT_ONLY, organizationIds: [\"org-a\"], definition: $d }) { rule { id } } }",
            new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });
        var ruleId = created.Str("data.createRule.rule.id");

        var asB = await api.GraphQLAsync("viewer-b", "{ auditTrail(first: 200) { edges { node { subjectId organizationIds } } } }");
        var asAdmin = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id }) { edges { node { action actorId organizationIds } } } }", new { id = ruleId });

        Assert.DoesNotContain(ruleId, asB.ToJsonString());
        Assert.DoesNotContain("org-a", asB.ToJsonString());
        Assert.Equal("rule.created", asAdmin.Str("data.auditTrail.edges.0.node.action"));
        Assert.Equal("author-a", asAdmin.Str("data.auditTrail.edges.0.node.actorId"));
    }

    [SkippableFact]
    public async Task AuditTrail_FilterByActionPrefix_ReturnsOnlyThatFamily()
    {
        await api.GraphQLAsync("author-a", "mutation($d: JSON!) { createRule(input: { name: \"prefix\", outcome: ALERT_ONLY, organizationIds: [\"org-a\"], definition: $d }) { rule { id } } }",
            new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });

        var response = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"rule.\" }) { edges { node { action } } } }");

        Assert.NotEmpty(response.At("data.auditTrail.edges").AsArray());
        Assert.All(response.At("data.auditTrail.edges").AsArray(), e => Assert.StartsWith("rule.", e!.Str("node.action")));
    }

    public sealed class OnSqlite(RespondApiFixture api) : AuditTrailApiTests(api), IClassFixture<RespondApiFixture>;

    public sealed class OnPostgreSql : AuditTrailApiTests, IClassFixture<PostgreSqlApiFixture>
    {
        public OnPostgreSql(PostgreSqlApiFixture api) : base(api) => PostgreSqlTestServer.Require();
    }
}
