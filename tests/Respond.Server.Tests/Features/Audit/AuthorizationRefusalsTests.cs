using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Audit;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Audit;

/// <summary>Issue 11 point 8: every refusal is an audit entry with actor, operation and reason, the actor named from our records.</summary>
public sealed class AuthorizationRefusalsTests
{
    private const string RefusalFields = "actorId actorName action subjectType subjectId organizationIds after";

    private static async Task<JsonArray> RefusalsAsync(RespondApiFixture api, string client = "admin") =>
        (await api.GraphQLAsync(client, $"{{ auditTrail(where: {{ action: \"authorization.refused\" }}) {{ edges {{ node {{ {RefusalFields} }} }} }} }}"))
        .At("data.auditTrail.edges").AsArray();

    private static JsonNode After(JsonNode edge) => JsonNode.Parse(edge.At("node.after").ToJsonString() is var raw && raw.StartsWith('"') ? edge.Str("node.after") : raw)!;

    [Fact]
    public async Task Mutation_MissingRole_AuditedWithActorOperationAndReason()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("viewer", $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");

        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
        var entry = Assert.Single(await RefusalsAsync(api))!;
        Assert.Equal("viewer", entry.Str("node.actorId"));
        Assert.Equal("viewer", entry.Str("node.actorName"));
        Assert.Equal("turnOnRespond", entry.Str("node.subjectId"));
        Assert.Equal("FORBIDDEN", After(entry).Str("reason"));
    }

    [Fact]
    public async Task Mutation_ForeignOrganization_AuditedAndTheEntryReadsTheSameAsForAnUnknownOne()
    {
        await using var api = new RespondApiFixture();

        await api.GraphQLAsync("admin-b", "mutation { updateProtectedTargets(input: { organizationId: \"org-a\", devices: [], accounts: [] }) { errors { code } } }");
        await api.GraphQLAsync("admin-b", "mutation { updateProtectedTargets(input: { organizationId: \"org-zz\", devices: [], accounts: [] }) { errors { code } } }");

        var seenByB = await RefusalsAsync(api, "admin-b");
        Assert.Equal(2, seenByB.Count);
        Assert.All(seenByB, e => Assert.Equal("[\"org-b\"]", e!.At("node.organizationIds").ToJsonString()));
        Assert.Equal(After(seenByB[0]!).ToJsonString(), After(seenByB[1]!).ToJsonString());
        Assert.Equal("NOT_FOUND", After(seenByB[0]!).Str("reason"));
        Assert.Equal(2, (await RefusalsAsync(api, "admin")).Count);
    }

    [Fact]
    public async Task Query_ForeignOrganizationSettings_Audited()
    {
        await using var api = new RespondApiFixture();

        await api.GraphQLAsync("viewer-b", "{ respondSettings(organizationId: \"org-a\") { enabled } }");

        var entry = Assert.Single(await RefusalsAsync(api))!;
        Assert.Equal("respondSettings", entry.Str("node.subjectId"));
        Assert.Equal("viewer-b", entry.Str("node.actorId"));
    }

    [Fact]
    public async Task Mutation_Accepted_NothingAudited()
    {
        await using var api = new RespondApiFixture();

        await api.GraphQLAsync("admin-a", "mutation { updateProtectedTargets(input: { organizationId: \"org-a\", devices: [\"dc-01\"], accounts: [] }) { errors { code } } }");

        Assert.Empty(await RefusalsAsync(api));
    }

    [Fact]
    public async Task PostEvents_AsViewer_RefusalAudited()
    {
        await using var api = new RespondApiFixture();
        using var http = await api.ClientAsAsync("viewer");

        var response = await http.PostAsJsonAsync("/api/events", new[] { EngineScenario.Event("viewer-1") });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await RefusalsAsync(api))!;
        Assert.Equal("POST /api/events", entry.Str("node.subjectId"));
    }

    [Fact]
    public async Task PostEvents_ForeignOrganization_RefusalAuditedOncePerRequest()
    {
        await using var api = new RespondApiFixture();

        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("x-1", org: "org-b"), EngineScenario.Event("x-2", org: "org-b"), EngineScenario.Event("ok-1")]);

        var entry = Assert.Single(await RefusalsAsync(api))!;
        Assert.Equal("ingestor-a", entry.Str("node.actorId"));
        Assert.Equal("FOREIGN_ORGANIZATION", After(entry).Str("reason"));
        Assert.Contains("2 event(s)", After(entry).Str("message"));
    }
}
