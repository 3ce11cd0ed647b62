using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Features.Engine;

/// <summary>Steps the engine tests share: turn Respond on, create and activate a rule, send events.</summary>
public static class EngineScenario
{
    public const string AllTerms = "[\"RESPONSE_ACTIONS_AFFECT_USERS\", \"AUTOMATION_REQUIRES_VALIDATED_RULES\", \"ACTIONS_REQUIRE_HEALTHY_CONNECTION\"]";

    public static async Task TurnOnAsync(this RespondApiFixture api)
    {
        var response = await api.GraphQLAsync("admin", $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {AllTerms} }}) {{ errors {{ code }} }} }}");
        Assert.Empty(response.Errors("turnOnRespond"));
    }

    public static async Task<string> ActiveRuleAsync(this RespondApiFixture api, string definition, string outcome = "ALERT_ONLY", string org = "org-a", string name = "engine rule")
    {
        var created = await api.GraphQLAsync("admin", "mutation($input: CreateRuleInput!) { createRule(input: $input) { rule { id isValid validationErrors { nodeId field message } } errors { code message } } }",
            new { input = new { name, outcome, organizationIds = new[] { org }, definition = JsonDocument.Parse(definition).RootElement } });
        Assert.Empty(created.Errors("createRule"));
        Assert.True(created.At("data.createRule.rule.isValid").GetValue<bool>(), created.ToJsonString());
        var id = created.Str("data.createRule.rule.id");
        var activated = await api.GraphQLAsync("admin", "mutation($id: ID!) { activateRule(input: { id: $id }) { approvalRequest { id } errors { code message } } }", new { id });
        Assert.Empty(activated.Errors("activateRule"));
        // Change control: an automatic destructive rule runs once a second principal approves its activation.
        if (activated["data"]?["activateRule"]?["approvalRequest"] is { } request)
            await api.ApproveActivationAsync(request.Str("id"));
        return id;
    }

    /// <summary>A second principal (the Approver of every organization) approves a rule's RULE_ACTIVATION request.</summary>
    public static async Task ApproveActivationAsync(this RespondApiFixture api, string requestId, string client = "approver")
    {
        var approved = await api.GraphQLAsync(client, "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status } errors { code message } } }", new { id = requestId });
        Assert.Empty(approved.Errors("approveRequest"));
        Assert.Equal("APPROVED", approved.Str("data.approveRequest.approvalRequest.status"));
    }

    public static object Event(string id, string type = "signin.failed", string org = "org-a", string user = "u-1", string severity = "MEDIUM", DateTimeOffset? time = null, string source = "idp") => new
    {
        id,
        organizationId = org,
        source,
        type,
        severity,
        time = (time ?? DateTimeOffset.Parse("2026-11-23T10:00:00Z")).ToString("O"),
        user = new { id = user, name = "User " + user },
        src = new { ip = "198.51.100.20" },
    };

    /// <summary>Posts events to /api/events and, unless told not to, waits until the evaluator has caught up with the log.</summary>
    public static async Task<JsonObject> PostEventsAsync(this RespondApiFixture api, string client, IEnumerable<object> events, bool waitForEvaluation = true)
    {
        using var http = await api.ClientAsAsync(client);
        var response = await http.PostAsJsonAsync("/api/events", events);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body)!.AsObject();
        json["status"] = (int)response.StatusCode;
        if (response.Headers.RetryAfter?.Delta is { } retryAfter) json["retryAfter"] = (int)retryAfter.TotalSeconds;
        if (waitForEvaluation) await api.EvaluatedAsync();
        return json;
    }

    public const string ThresholdRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Burst of failed sign-ins for {{user.name}}", "severity": "HIGH" } }
          ],
          "edges": [
            { "from": "trigger", "to": "burst" },
            { "from": "burst", "to": "alert", "port": "true" }
          ]
        }
        """;

    public const string MatchAlertRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["process.started"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Process on {{device.hostname}}", "severity": "CRITICAL", "suppressFor": "PT1H" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    public const string ApprovalRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["malware.detected"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Malware on {{device.id}}", "severity": "CRITICAL" } },
            { "id": "gate", "type": "gate.approval", "config": { "timeout": "PT30M" } },
            { "id": "isolate", "type": "action.isolateDevice", "config": {} }
          ],
          "edges": [
            { "from": "trigger", "to": "alert" },
            { "from": "alert", "to": "gate" },
            { "from": "gate", "to": "isolate", "port": "approved" }
          ]
        }
        """;
}
