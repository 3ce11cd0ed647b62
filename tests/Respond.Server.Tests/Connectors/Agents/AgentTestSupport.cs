using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Agents;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>Enrolment and connector calls the agent tests share.</summary>
internal static class AgentTestSupport
{
    public static async Task<string> CreateTokenAsync(RespondApiFixture api, string client = "admin-a", string organizationId = "org-a", string? expiresIn = null)
    {
        var response = await api.GraphQLAsync(client,
            "mutation($i: CreateAgentEnrollmentTokenInput!) { createAgentEnrollmentToken(input: $i) { token errors { code message } } }",
            new { i = new { organizationId, expiresIn } });
        Assert.Empty(response.Errors("createAgentEnrollmentToken"));
        return response.Str("data.createAgentEnrollmentToken.token");
    }

    public static async Task<HttpResponseMessage> PostEnrollAsync(RespondApiFixture api, object body)
    {
        using var http = api.CreateClient();
        return await http.PostAsJsonAsync("/api/agents/enroll", body);
    }

    public static async Task<(string AgentId, string Secret)> EnrollAsync(RespondApiFixture api, string token, string deviceId)
    {
        using var response = await PostEnrollAsync(api, new { token, deviceId, hostname = deviceId + ".example", os = "Linux test" });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body.Str("agentId"), body.Str("agentSecret"));
    }

    public static string Basic(string agentId, string secret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(agentId + ":" + secret));

    public static IConnector Connector(RespondApiFixture api) =>
        api.Services.GetServices<IConnector>().Single(c => c.Kind == ConnectorKind.EndpointAgent);

    public static ConnectorSettings Settings(string organizationId = "org-a", int commandTimeoutSeconds = 20) =>
        new(organizationId, JsonSerializer.SerializeToElement(new { commandTimeoutSeconds }), new Dictionary<string, string>());

    public static ActionCommand Command(ResponseActionType type, string? deviceId, int? processId = null, string? filePath = null,
        string? fileSha256 = null, string organizationId = "org-a", JsonObject? parameters = null) =>
        new("action-" + Guid.NewGuid().ToString("N")[..10], organizationId, type,
            new ActionTarget(deviceId, null, null, processId, filePath, fileSha256), parameters ?? [], Attempt: 1);

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }

    public static AgentRegistry Registry(RespondApiFixture api) => api.Services.GetRequiredService<AgentRegistry>();
}
