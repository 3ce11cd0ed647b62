using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Connectors.Agents;
using Respond.Server.Persistence;
using static Respond.Server.Tests.Connectors.Agents.AgentTestSupport;

namespace Respond.Server.Tests.Connectors.Agents;

public sealed class AgentEnrollmentTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("detail");

    [Fact]
    public async Task CreateToken_AsTenantAdmin_ReturnsTokenOnceAndStoresOnlyItsHash()
    {
        var token = await CreateTokenAsync(api);

        await using var scope = api.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().AgentEnrollmentTokens.AsNoTracking().ToListAsync();
        Assert.StartsWith("ret_", token);
        Assert.DoesNotContain(stored, t => t.TokenHash.Contains(token, StringComparison.Ordinal) || token.Contains(t.TokenHash, StringComparison.Ordinal));
        Assert.Contains(stored, t => t.TokenHash == AgentSecrets.Hash(token));
    }

    [Fact]
    public async Task CreateToken_Audited_WithoutTheTokenValue()
    {
        var token = await CreateTokenAsync(api);

        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"agent.enrollmentTokenCreated\" }) { edges { node { actorId organizationIds after } } } }");

        var entries = audit.At("data.auditTrail.edges").AsArray();
        Assert.Contains(entries, e => e!.Str("node.actorId") == "admin-a");
        Assert.DoesNotContain(token, audit.ToJsonString());
    }

    [Fact]
    public async Task CreateToken_OtherTenantsOrganization_NotFound()
    {
        var response = await api.GraphQLAsync("admin-b",
            "mutation { createAgentEnrollmentToken(input: { organizationId: \"org-a\" }) { token errors { code } } }");

        Assert.Equal("NOT_FOUND", response.Errors("createAgentEnrollmentToken").Single()!.Str("code"));
        Assert.Null(response.At("data.createAgentEnrollmentToken")["token"]);
    }

    [Fact]
    public async Task CreateToken_AsViewer_Forbidden()
    {
        var response = await api.GraphQLAsync("viewer-a",
            "mutation { createAgentEnrollmentToken(input: { organizationId: \"org-a\" }) { token } }");

        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    [Theory]
    [InlineData("P90D")]
    [InlineData("PT10S")]
    [InlineData("tomorrow")]
    public async Task CreateToken_ExpiresInOutOfRange_ValidationNamingTheField(string expiresIn)
    {
        var response = await api.GraphQLAsync("admin-a",
            "mutation($e: String) { createAgentEnrollmentToken(input: { organizationId: \"org-a\", expiresIn: $e }) { token errors { code path } } }",
            new { e = expiresIn });

        var error = response.Errors("createAgentEnrollmentToken").Single()!;
        Assert.Equal("VALIDATION", error.Str("code"));
        Assert.Equal("expiresIn", error.Str("path.1"));
    }

    [Fact]
    public async Task AgentEnrollmentTokens_OtherTenantsToken_NotListed()
    {
        await CreateTokenAsync(api, "admin-a", "org-a");
        await CreateTokenAsync(api, "admin-b", "org-b");

        var listed = await api.GraphQLAsync("admin-b", "{ agentEnrollmentTokens { organizationId } }");

        var organizations = listed.At("data.agentEnrollmentTokens").AsArray().Select(t => t!.Str("organizationId")).ToList();
        Assert.Contains("org-b", organizations);
        Assert.DoesNotContain("org-a", organizations);
    }

    [Fact]
    public async Task Enroll_ValidToken_ReturnsCredentialAndAgentIsListedForItsOrganizationOnly()
    {
        var token = await CreateTokenAsync(api);

        var (agentId, secret) = await EnrollAsync(api, token, "enrol-valid-1");

        var mine = await api.GraphQLAsync("viewer-a", "{ agents(organizationId: \"org-a\") { id deviceId hostname os enrolledAt lastSeenAt connected } }");
        var theirs = await api.GraphQLAsync("viewer-b", "{ agents { id } }");
        var agent = mine.At("data.agents").AsArray().Single(a => a!.Str("id") == agentId)!;
        Assert.StartsWith("ras_", secret);
        Assert.Equal("enrol-valid-1", agent.Str("deviceId"));
        Assert.Equal("enrol-valid-1.example", agent.Str("hostname"));
        Assert.False(agent.At("connected").GetValue<bool>());
        Assert.DoesNotContain(agentId, theirs.ToJsonString());
    }

    [Fact]
    public async Task Enroll_TokenUsedTwice_SecondRefused()
    {
        var token = await CreateTokenAsync(api);
        await EnrollAsync(api, token, "enrol-reuse-1");

        using var second = await PostEnrollAsync(api, new { token, deviceId = "enrol-reuse-2", hostname = "h", os = "Linux" });

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("already used", await DetailAsync(second));
    }

    [Fact]
    public async Task Enroll_UnknownToken_Refused()
    {
        using var response = await PostEnrollAsync(api, new { token = "ret_made-up", deviceId = "enrol-unknown", hostname = "h", os = "Linux" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown", await DetailAsync(response));
    }

    [Fact]
    public async Task Enroll_ExpiredToken_RefusedNamingTheExpiry()
    {
        const string token = "ret_expired-token-for-test";
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            db.AgentEnrollmentTokens.Add(new AgentEnrollmentToken
            {
                Id = "enroll-expired", OrganizationId = "org-a", TokenHash = AgentSecrets.Hash(token), CreatedBy = "admin-a",
                CreatedAt = DateTimeOffset.UtcNow.AddHours(-2), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            });
            await db.SaveChangesAsync();
        }

        using var response = await PostEnrollAsync(api, new { token, deviceId = "enrol-expired", hostname = "h", os = "Linux" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await DetailAsync(response));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("device with spaces")]
    [InlineData("")]
    [InlineData("-leading-dash")]
    public async Task Enroll_HostileDeviceId_BadRequestAndTokenNotSpent(string deviceId)
    {
        var token = await CreateTokenAsync(api);

        using var refused = await PostEnrollAsync(api, new { token, deviceId, hostname = "h", os = "Linux" });
        var (agentId, _) = await EnrollAsync(api, token, "enrol-after-hostile-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("deviceId", await DetailAsync(refused));
        Assert.NotEmpty(agentId);
    }

    [Fact]
    public async Task Enroll_SameDeviceAgain_KeepsAgentIdAndReplacesSecret()
    {
        var (firstId, firstSecret) = await EnrollAsync(api, await CreateTokenAsync(api), "enrol-again");

        var (secondId, secondSecret) = await EnrollAsync(api, await CreateTokenAsync(api), "enrol-again");

        await using var scope = api.Services.CreateAsyncScope();
        var agent = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Agents.AsNoTracking().SingleAsync(a => a.DeviceId == "enrol-again");
        Assert.Equal(firstId, secondId);
        Assert.NotEqual(firstSecret, secondSecret);
        Assert.False(agent.Accepts(firstSecret));
        Assert.True(agent.Accepts(secondSecret));
    }

    [Fact]
    public async Task Enroll_HostnameClaimsToBeAdmin_AuditActorNameIsTheServersAgentId()
    {
        using var response = await PostEnrollAsync(api, new { token = await CreateTokenAsync(api), deviceId = "forged-actor", hostname = "admin", os = "Linux test" });
        response.EnsureSuccessStatusCode();
        var agentId = (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("agentId");

        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"agent.enrolled\" }) { edges { node { actorId actorName subjectId } } } }");

        var entry = audit.At("data.auditTrail.edges").AsArray().Single(e => e!.Str("node.subjectId") == agentId)!;
        Assert.Equal("agent:" + agentId, entry.Str("node.actorId"));
        Assert.Equal("agent " + agentId, entry.Str("node.actorName"));
    }
}
