using System.Diagnostics;
using System.Net.Http.Json;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>
/// Issue 5's end-to-end path over the real transports: a MANUAL_APPROVAL rule, an event over HTTP, the request at a
/// graphql-ws subscriber on a real socket, approval by a second principal, the action's lifecycle on
/// responseActionUpdated, executed by the reference agent process against a real process, then verified.
/// </summary>
public sealed class ResponseActionEndToEndTests(RealAgentFixture agent) : IClassFixture<RealAgentFixture>
{
    private const string KillRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["miner.started"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Coin miner {{process.name}} on {{device.id}}", "severity": "HIGH" } },
            { "id": "gate", "type": "gate.approval", "config": { "timeout": "PT30M" } },
            { "id": "kill", "type": "action.killProcess", "config": {} }
          ],
          "edges": [
            { "from": "trigger", "to": "alert" },
            { "from": "alert", "to": "gate" },
            { "from": "gate", "to": "kill", "port": "approved" }
          ]
        }
        """;

    [Fact]
    public async Task ManualApprovalRule_EventToApprovalToAgentKill_LifecycleStreamedAndVerificationPassed()
    {
        var api = agent.Api;
        await api.TurnOnAsync();
        var connected = await api.GraphQLAsync("admin", "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: ENDPOINT_AGENT, settings: {} }) { errors { code } } testConnection(input: { organizationId: \"org-a\" }) { organization { connectionStatus } } }");
        Assert.Equal("HEALTHY", connected.Str("data.testConnection.organization.connectionStatus"));
        await api.ActiveRuleAsync(KillRule, outcome: "MANUAL_APPROVAL");
        await using var inbox = await GraphQLWebSocketClient.ConnectAsync(agent.Address, await api.TokenAsync("approver-a"));
        await inbox.SubscribeAsync("approvals", "subscription { approvalRequested(organizationId: \"org-a\") { id requestedBy proposedActions } }");
        await inbox.SubscribeAsync("actions", "subscription { responseActionUpdated(organizationId: \"org-a\") { id status verificationStatus } }");
        using var miner = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;

        try
        {
            using var http = await api.ClientAsAsync("ingestor-a");
            var posted = await http.PostAsJsonAsync(new Uri(new Uri(agent.Address), "/api/events"), new[]
            {
                new
                {
                    id = "miner-1", organizationId = "org-a", source = "edr", type = "miner.started", severity = "HIGH", time = DateTimeOffset.UtcNow.ToString("O"),
                    device = new { id = agent.DeviceId, hostname = "e2e-host" }, process = new { pid = miner.Id, name = "sleep" },
                },
            });
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

            var requested = await inbox.NextAsync("approvals");
            Assert.Equal("engine", requested.Str("approvalRequested.requestedBy"));
            Assert.Contains(miner.Id.ToString(), requested.At("approvalRequested.proposedActions").ToJsonString());
            var approved = await api.DecideAsync("approver-a", requested.Str("approvalRequested.id"));
            Assert.Empty(approved.Errors("approveRequest"));

            var seen = new List<string>();
            string? actionId = null;
            while (!seen.Contains("PASSED"))
            {
                var update = await inbox.NextAsync("actions", seconds: 60);
                actionId ??= update.Str("responseActionUpdated.id");
                var status = update.Str("responseActionUpdated.status");
                if (seen.Count == 0 || seen[^1] != status) seen.Add(status);
                if (update.Str("responseActionUpdated.verificationStatus") == "PASSED") seen.Add("PASSED");
                Assert.NotEqual("FAILED", status);
            }

            Assert.Equal(["QUEUED", "EXECUTING", "COMPLETED", "PASSED"], seen);
            Assert.True(miner.WaitForExit(5000), "the real process is gone");
            var action = await api.ActionAsync(actionId!);
            Assert.Equal("ENDPOINT_AGENT", (await api.GraphQLAsync("admin", "query($id: ID!) { responseAction(id: $id) { connector } }", new { id = actionId })).Str("data.responseAction.connector"));
            Assert.Equal("KILL_PROCESS", action!.Str("type"));
        }
        finally
        {
            if (!miner.HasExited) miner.Kill();
        }
    }
}
