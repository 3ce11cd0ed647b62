using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Actions;

/// <summary>Steps the response-action tests share: a host with short delays, a simulated connection, submissions, waiting.</summary>
public static class ActionScenario
{
    public const string ActionFields = """
        id organizationId type status source automatic submittedBy approvalRequestId approvalReason bulkGroupId attempts failureReason result
        verificationStatus verificationDetails rollbackOf rolledBackBy canRollBack alertId ruleId
        target { deviceId userId ip processId filePath fileSha256 } timeline { status actor reason }
        """;

    public static RespondApiFixture Host(TestDatabase database = TestDatabase.Sqlite) => RespondApiFixture.For(database)
        .With("Respond:Actions:VerificationDelay", "00:00:00.300")
        .With("Respond:Actions:RetryBaseDelay", "00:00:00.200");

    public static async Task ConnectSimulatedAsync(this RespondApiFixture api, string org = "org-a", object? settings = null)
    {
        var connected = await api.GraphQLAsync("admin", "mutation($input: ConnectOrganizationInput!) { connectOrganization(input: $input) { errors { code message } } }",
            new { input = new { organizationId = org, connector = "SIMULATED", settings = settings ?? new { } } });
        Assert.Empty(connected.Errors("connectOrganization"));
        var tested = await api.GraphQLAsync("admin", "mutation($org: ID!) { testConnection(input: { organizationId: $org }) { organization { connectionStatus } errors { code message } } }", new { org });
        Assert.Equal("HEALTHY", tested.Str("data.testConnection.organization.connectionStatus"));
    }

    public static async Task<JsonObject> ReadyAsync(this RespondApiFixture api, object? simulated = null)
    {
        await api.TurnOnAsync();
        await api.ConnectSimulatedAsync(settings: simulated);
        return [];
    }

    public static Task<JsonObject> SubmitAsync(this RespondApiFixture api, string client, string type, object target, string org = "org-a", object? parameters = null, string justification = "Containment of incident 42.") =>
        api.GraphQLAsync(client, $$"""
            mutation($input: SubmitResponseActionInput!) { submitResponseAction(input: $input) {
              responseAction { {{ActionFields}} } approvalRequest { id requestedBy status } errors { code message path } } }
            """, new { input = new { organizationId = org, type, target, parameters, justification } });

    public static async Task<JsonNode?> ActionAsync(this RespondApiFixture api, string id, string client = "admin")
    {
        var result = await api.GraphQLAsync(client, $$"""query($id: ID!) { responseAction(id: $id) { {{ActionFields}} } }""", new { id });
        return result.At("data").AsObject()["responseAction"];
    }

    /// <summary>Re-reads the action on every change the host publishes until it satisfies <paramref name="done"/>; fails with the last state seen.</summary>
    public static async Task<JsonNode> WaitForAsync(this RespondApiFixture api, string id, Func<JsonNode, bool> done, int seconds = 30) =>
        (await api.UntilAsync(() => api.ActionAsync(id), a => a is not null && done(a), TimeSpan.FromSeconds(seconds),
            last => $"Action {id} did not reach the expected state; last seen: {last?.ToJsonString()}"))!;

    public static Task<JsonNode> WaitForStatusAsync(this RespondApiFixture api, string id, string status, int seconds = 30) =>
        api.WaitForAsync(id, a => a.Str("status") == status, seconds);

    public static async Task<JsonObject> DecideAsync(this RespondApiFixture api, string client, string requestId, bool approve = true) =>
        await api.GraphQLAsync(client, $"mutation($id: ID!) {{ {(approve ? "approveRequest" : "rejectRequest")}(input: {{ id: $id, comment: \"checked\" }}) {{ approvalRequest {{ id status decidedBy }} errors {{ code message }} }} }}",
            new { id = requestId });

    public static IEnumerable<string> Statuses(this JsonNode action) => action["timeline"]!.AsArray().Select(t => t!.Str("status"));

    public static object Device(string id) => new { deviceId = id };
}
