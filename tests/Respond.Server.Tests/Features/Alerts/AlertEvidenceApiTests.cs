using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Alerts;

/// <summary>An alert shows why it fired (issue 14): all its events, its run's path, its status history, what it caused.</summary>
public sealed class AlertEvidenceApiTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");

    private static async Task<string> ThresholdAlertAsync(RespondApiFixture api)
    {
        await api.ReadyAsync();
        await api.ActiveRuleAsync(EngineScenario.ThresholdRule, name: "Failed sign-in burst");
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 5).Select(i => EngineScenario.Event($"t-{i}", user: "alice", time: Start.AddMinutes(i))));
        var alerts = await api.GraphQLAsync("admin", "{ alerts { edges { node { id } } } }");
        return Assert.Single(alerts.At("data.alerts.edges").AsArray())!.Str("node.id");
    }

    private const string Evidence = """
        query($id: ID!, $after: String) { alert(id: $id) {
          eventIds events(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id type organizationId fields } } }
          ruleExecution { eventId status path } statusHistory { status actor comment } approvalRequests { id kind } responseActions { id type } } }
        """;

    [Fact]
    public async Task Alert_FromThresholdOfFive_ListsItsFiveEventsPagedAndThePath()
    {
        await using var api = ActionScenario.Host();
        var id = await ThresholdAlertAsync(api);

        var first = await api.GraphQLAsync("viewer-a", Evidence, new { id });
        var second = await api.GraphQLAsync("viewer-a", Evidence, new { id, after = first.Str("data.alert.events.pageInfo.endCursor") });

        Assert.Equal(["t-0", "t-1", "t-2", "t-3", "t-4"], first.At("data.alert.eventIds").AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(5, first.At("data.alert.events.totalCount").GetValue<int>());
        Assert.True(first.At("data.alert.events.pageInfo.hasNextPage").GetValue<bool>());
        var events = first.At("data.alert.events.edges").AsArray().Concat(second.At("data.alert.events.edges").AsArray()).Select(e => e!["node"]!).ToList();
        Assert.Equal(["t-0", "t-1", "t-2", "t-3", "t-4"], events.Select(e => e.Str("id")));
        Assert.All(events, e => Assert.Equal("alice", e.Str("fields.user.id")));
        Assert.False(second.At("data.alert.events.pageInfo.hasNextPage").GetValue<bool>());
        var run = first.At("data.alert.ruleExecution");
        Assert.Equal("t-4", run.Str("eventId"));
        var path = run["path"]!.AsArray();
        Assert.Equal(["trigger", "burst", "alert"], path.Select(step => step!.Str("nodeId")));
        var burst = path[1]!;
        Assert.Equal("true", burst.Str("port"));
        Assert.Equal(5, burst.At("detail.count").GetValue<int>());
        Assert.Equal(5, burst.At("detail.required").GetValue<int>());
    }

    [Fact]
    public async Task Alert_AcknowledgedThenClosed_HasTheWholeStatusHistory()
    {
        await using var api = ActionScenario.Host();
        var id = await ThresholdAlertAsync(api);

        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { acknowledgeAlert(input: { id: $id, comment: \"looking\" }) { errors { code } } }", new { id });
        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { closeAlert(input: { id: $id, comment: \"user confirmed\" }) { errors { code } } }", new { id });
        var result = await api.GraphQLAsync("viewer-a", Evidence, new { id });

        var history = result.At("data.alert.statusHistory").AsArray();
        Assert.Equal(["NEW", "ACKNOWLEDGED", "CLOSED"], history.Select(h => h!.Str("status")));
        Assert.Equal("rule \"Failed sign-in burst\"", history[0]!.Str("actor"));
        Assert.Equal("responder-a", history[1]!.Str("actor"));
        Assert.Equal("user confirmed", history[2]!.Str("comment"));
    }

    [Fact]
    public async Task Alert_OfAGateRule_ListsTheApprovalRequestAndTheActionsItCaused()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await api.PostEventsAsync("ingestor-a", [new
        {
            id = "mal-1", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL",
            time = "2026-11-23T10:00:00Z", device = new { id = "dev-9" },
        }]);
        var alertId = (await api.GraphQLAsync("admin", "{ alerts { edges { node { id } } } }")).Str("data.alerts.edges.0.node.id");
        var submitted = await api.GraphQLAsync("responder-a", """
            mutation($input: SubmitResponseActionInput!) { submitResponseAction(input: $input) { responseAction { id } errors { code message } } }
            """, new { input = new { organizationId = "org-a", type = "KILL_PROCESS", target = new { deviceId = "dev-9", processId = 66 }, justification = "stop it", alertId } });
        Assert.Empty(submitted.Errors("submitResponseAction"));

        var result = await api.GraphQLAsync("viewer-a", Evidence, new { id = alertId });

        Assert.Equal("GATE", result.Str("data.alert.approvalRequests.0.kind"));
        Assert.Equal(submitted.Str("data.submitResponseAction.responseAction.id"), result.Str("data.alert.responseActions.0.id"));
    }

    [Fact]
    public async Task Alert_OtherOrganizationsReader_SeesNothingOfIt()
    {
        await using var api = ActionScenario.Host();
        var id = await ThresholdAlertAsync(api);

        var direct = await api.GraphQLAsync("viewer-b", Evidence, new { id });
        var searched = await api.GraphQLAsync("viewer-b", "{ alerts(where: { text: \"alice\" }) { totalCount } }");

        Assert.Null(direct.At("data")["alert"]);
        Assert.Equal(0, searched.At("data.alerts.totalCount").GetValue<int>());
    }

    [Fact]
    public async Task Alerts_TextSearch_FindsByTitleCaseInsensitively()
    {
        await using var api = ActionScenario.Host();
        await ThresholdAlertAsync(api);

        var hit = await api.GraphQLAsync("viewer-a", "{ alerts(where: { text: \"SIGN-INS FOR USER ALICE\" }) { totalCount } }");
        var miss = await api.GraphQLAsync("viewer-a", "{ alerts(where: { text: \"bob\" }) { totalCount } }");

        Assert.Equal(1, hit.At("data.alerts.totalCount").GetValue<int>());
        Assert.Equal(0, miss.At("data.alerts.totalCount").GetValue<int>());
    }
}
