using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Rules;

namespace Respond.Server.Tests.Features.Approvals;

/// <summary>
/// A page of approval requests with their rule name, reason, alert and evidence costs the same number of SQL commands
/// whatever its size (issue 15: DataLoaders for per-row fields).
/// </summary>
public sealed class ApprovalRelationsQueryCountTests
{
    private const string Page = """
        { approvalRequests(first: 50) { edges { node { id ruleName reason reasonText alert { id title } evidence { id } } } } }
        """;

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-04T08:00:00Z");

    [Fact]
    public async Task ApprovalsPage_WithRuleNameReasonAlertAndEvidence_SqlCommandsConstantForAPageOf50()
    {
        var commands = new SqlCommandLog();
        // The notification outbox is not read during the test: sending the seeded requests' notifications reads their
        // rules and alerts too, and on a busy machine that overlapped both counts (10 commands instead of 4).
        await using var api = commands.Attach(new RespondApiFixture().With("Respond:Notifications:PollInterval", "1.00:00:00"));
        var ruleId = await CreateRuleAsync(api);
        await SeedAsync(api, ruleId, from: 0, count: 5);
        var few = await CountAsync(api, commands, expected: 5);
        await SeedAsync(api, ruleId, from: 5, count: 45);

        var many = await CountAsync(api, commands, expected: 50);

        Assert.Equal(few, many);
        Assert.True(many <= 4, $"{many} commands read rules, alerts, events or actions for a page of 50");
    }

    [Fact]
    public async Task ApprovalsPage_Relations_AnswerEachRequestItsOwn()
    {
        await using var api = new RespondApiFixture();
        var ruleId = await CreateRuleAsync(api);
        await SeedAsync(api, ruleId, from: 0, count: 3);

        var edges = (await api.GraphQLAsync("approver-a", Page)).At("data.approvalRequests.edges").AsArray();

        Assert.Equal(3, edges.Count);
        foreach (var edge in edges.Select(e => e!))
        {
            var number = edge.Str("node.id")["apr-page-".Length..];
            Assert.Equal("page rule", edge.Str("node.ruleName"));
            Assert.Equal($"alert-page-{number}", edge.Str("node.alert.id"));
            Assert.Equal($"Alert {number}", edge.Str("node.alert.title"));
            Assert.Equal("APPROVAL_REQUIREMENT", edge.Str("node.reason"));
            Assert.Equal($"justification {number}", edge.Str("node.reasonText"));
        }
    }

    /// <summary>
    /// Commands reading the related tables while the page is answered. Other background work of the host (the evaluator
    /// polling the event log) may read them too, so the fewest of two runs is taken.
    /// </summary>
    private static async Task<int> CountAsync(RespondApiFixture api, SqlCommandLog commands, int expected)
    {
        var counts = new List<int>();
        for (var run = 0; run < 2; run++)
        {
            commands.Clear();
            var response = await api.GraphQLAsync("approver-a", Page);
            Assert.Null(response["errors"]);
            Assert.Equal(expected, response.At("data.approvalRequests.edges").AsArray().Count);
            counts.Add(commands.Reading("Rules", "Alerts", "Events", "ResponseActions"));
        }
        return counts.Min();
    }

    private static async Task<string> CreateRuleAsync(RespondApiFixture api)
    {
        var response = await api.GraphQLAsync("admin", """
            mutation($d: JSON!) { createRule(input: { name: "page rule", outcome: ALERT_ONLY, organizationIds: ["org-a"], definition: $d }) { rule { id } errors { code } } }
            """, new { d = JsonDocument.Parse(RuleDefinitions.ValidAlertOnly).RootElement });
        Assert.Empty(response.Errors("createRule"));
        return response.Str("data.createRule.rule.id");
    }

    /// <summary>Stores, per request, an alert of the rule with one event id and a person's request on that alert.</summary>
    private static async Task SeedAsync(RespondApiFixture api, string ruleId, int from, int count)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        for (var i = from; i < from + count; i++)
        {
            var number = i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            db.Alerts.Add(new Alert
            {
                Id = $"alert-page-{number}", RuleId = ruleId, DefinitionHash = "hash", RuleName = "page rule", OrganizationId = "org-a",
                Title = $"Alert {number}", GroupKey = number, EventIds = [$"evt-page-{number}"], WhyJson = "{}", CreatedAt = Start,
            });
            db.ApprovalRequests.Add(new ApprovalRequest
            {
                Id = $"apr-page-{number}", OrganizationId = "org-a", RuleId = ruleId, AlertId = $"alert-page-{number}",
                ProposedActionsJson = """[{"type":"IsolateDevice","target":{"deviceId":"dev-1"},"parameters":"{}"}]""",
                RequestedBy = "someone-else", Justification = $"justification {number}",
                CreatedAt = Start.AddSeconds(i), ExpiresAt = Start.AddDays(30),
            });
        }
        await db.SaveChangesAsync();
    }
}
