using System.Net;
using Microsoft.AspNetCore.TestHost;
using Respond.Server.Connectors;
using Respond.Workflows;
using static Respond.Server.Tests.Connectors.Agents.AgentTestSupport;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>A lost or compromised device: its agent is revoked; a leaked enrolment token is revoked before use.</summary>
public sealed class AgentRevocationTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private const string RevokeAgentMutation =
        "mutation($i: RevokeAgentInput!) { revokeAgent(input: $i) { agent { id revokedAt revokedBy revokedReason connected } errors { code message path } } }";

    private const string RevokeTokenMutation =
        "mutation($i: RevokeAgentEnrollmentTokenInput!) { revokeAgentEnrollmentToken(input: $i) { enrollmentToken { id revokedAt revokedBy } errors { code message path } } }";

    private async Task ConnectAsync(string agentId, string secret)
    {
        var client = api.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = Basic(agentId, secret);
        await client.ConnectAsync(new Uri(api.Server.BaseAddress, "api/agents/connect"), CancellationToken.None);
    }

    private async Task<string> NewestTokenIdAsync()
    {
        var tokens = await api.GraphQLAsync("admin-a", "{ agentEnrollmentTokens(organizationId: \"org-a\") { id } }");
        return tokens.Str("data.agentEnrollmentTokens.0.id");
    }

    [Fact]
    public async Task RevokeAgent_WhileConnected_ChannelDroppedCredentialRefusedAndActionsFailNamingIt()
    {
        var deviceId = "lost-laptop-" + Guid.NewGuid().ToString("N")[..6];
        var (agentId, secret) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);
        await ConnectAsync(agentId, secret);
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is not null, "the agent is connected");

        var revoked = await api.GraphQLAsync("admin-a", RevokeAgentMutation, new { i = new { agentId, reason = "laptop stolen" } });

        Assert.Empty(revoked.Errors("revokeAgent"));
        Assert.Equal("admin-a", revoked.Str("data.revokeAgent.agent.revokedBy"));
        Assert.Equal("laptop stolen", revoked.Str("data.revokeAgent.agent.revokedReason"));
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is null, "the channel is dropped");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(agentId, secret));
        Assert.Contains("401", refused.Message);
        var outcome = await Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242), Settings(commandTimeoutSeconds: 1), CancellationToken.None);
        Assert.Contains("revoked", Assert.IsType<ExecutionOutcome.Failed>(outcome).Reason);
        var audit = await api.GraphQLAsync("admin-a", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"agent.revoked\" }) { edges { node { actorId after } } } }", new { id = agentId });
        Assert.Equal("admin-a", audit.Str("data.auditTrail.edges.0.node.actorId"));
        Assert.Contains("laptop stolen", audit.At("data.auditTrail.edges.0.node.after").ToJsonString());
    }

    [Fact]
    public async Task RevokedDevice_EnrolsAgainWithANewToken_AndConnects()
    {
        var deviceId = "recovered-" + Guid.NewGuid().ToString("N")[..6];
        var (agentId, _) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);
        await api.GraphQLAsync("admin-a", RevokeAgentMutation, new { i = new { agentId } });

        var (sameAgentId, newSecret) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);
        await ConnectAsync(sameAgentId, newSecret);

        Assert.Equal(agentId, sameAgentId);
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is not null, "the re-enrolled agent is connected");
        var agents = await api.GraphQLAsync("admin-a", "{ agents(organizationId: \"org-a\") { id revokedAt } }");
        Assert.Contains(agents.At("data.agents").AsArray(), a => a!.Str("id") == agentId && a!["revokedAt"] is null);
    }

    [Fact]
    public async Task RevokeAgent_OtherOrganizationsAdminOrNonAdmin_RefusedAndNothingChanges()
    {
        var deviceId = "guarded-" + Guid.NewGuid().ToString("N")[..6];
        var (agentId, secret) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);

        var otherTenant = await api.GraphQLAsync("admin-b", RevokeAgentMutation, new { i = new { agentId } });
        var responder = await api.GraphQLAsync("responder-a", RevokeAgentMutation, new { i = new { agentId } });
        var tooLong = await api.GraphQLAsync("admin-a", RevokeAgentMutation, new { i = new { agentId, reason = new string('x', 501) } });

        Assert.Equal("NOT_FOUND", otherTenant.Str("data.revokeAgent.errors.0.code"));
        Assert.Equal("FORBIDDEN", responder.Str("errors.0.extensions.code"));
        Assert.Equal("VALIDATION", tooLong.Str("data.revokeAgent.errors.0.code"));
        await ConnectAsync(agentId, secret); // still admitted
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is not null, "the agent is still admitted");
    }

    [Fact]
    public async Task RevokeEnrollmentToken_Unused_CannotEnrolAnyDevice_AndASecondRevokeOrUsedTokenSaysWhy()
    {
        var token = await CreateTokenAsync(api);
        var tokenId = await NewestTokenIdAsync();

        var revoked = await api.GraphQLAsync("admin-a", RevokeTokenMutation, new { i = new { enrollmentTokenId = tokenId } });
        var again = await api.GraphQLAsync("admin-a", RevokeTokenMutation, new { i = new { enrollmentTokenId = tokenId } });
        using var enrol = await PostEnrollAsync(api, new { token, deviceId = "thief-box", hostname = "thief", os = "Linux" });

        Assert.Empty(revoked.Errors("revokeAgentEnrollmentToken"));
        Assert.Equal("admin-a", revoked.Str("data.revokeAgentEnrollmentToken.enrollmentToken.revokedBy"));
        Assert.Equal("INVALID_STATE", again.Str("data.revokeAgentEnrollmentToken.errors.0.code"));
        Assert.Equal(HttpStatusCode.Unauthorized, enrol.StatusCode);
        Assert.Contains("revoked", await enrol.Content.ReadAsStringAsync());

        await EnrollAsync(api, await CreateTokenAsync(api), "used-" + Guid.NewGuid().ToString("N")[..6]);
        var used = await api.GraphQLAsync("admin-a", RevokeTokenMutation, new { i = new { enrollmentTokenId = await NewestTokenIdAsync() } });
        Assert.Equal("INVALID_STATE", used.Str("data.revokeAgentEnrollmentToken.errors.0.code"));
        Assert.Contains("revoke that agent instead", used.Str("data.revokeAgentEnrollmentToken.errors.0.message"));
        var otherTenant = await api.GraphQLAsync("admin-b", RevokeTokenMutation, new { i = new { enrollmentTokenId = tokenId } });
        Assert.Equal("NOT_FOUND", otherTenant.Str("data.revokeAgentEnrollmentToken.errors.0.code"));
    }
}
