using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Approvals;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Approvals;

/// <summary>The approvals inbox at volume (issue 14): paging with totals, expiry order, search, filters, groups, bulk decisions.</summary>
public sealed class ApprovalInboxApiTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-04T08:00:00Z");

    /// <summary>Stores pending requests as many people would have asked, each expiring at a different minute (no clock needed: they only have to be listed).</summary>
    private static async Task SeedPendingAsync(RespondApiFixture api, int count, string org = "org-a")
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        for (var i = 0; i < count; i++)
            db.ApprovalRequests.Add(new ApprovalRequest
            {
                Id = $"apr-seed-{org}-{i:D4}",
                OrganizationId = org,
                ProposedActionsJson = $$"""[{"type":"IsolateDevice","target":{"deviceId":"dev-{{i % 10}}"},"parameters":"{}"}]""",
                RequestedBy = "someone-else",
                CreatedAt = Start.AddSeconds(i),
                // Created in order, expiring in a shuffled order: the expiry sort cannot pass by keeping the creation order.
                ExpiresAt = Start.AddDays(30).AddMinutes(i * 37 % count),
            });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ApprovalRequests_250Pending_PagesThroughAllWithTheTotal()
    {
        await using var api = new RespondApiFixture();
        await SeedPendingAsync(api, 250);

        var seen = new List<string>();
        string? after = null;
        JsonNode page;
        do
        {
            page = (await api.GraphQLAsync("approver-a", "query($after: String) { approvalRequests(first: 100, after: $after, where: { status: PENDING }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                new { after })).At("data.approvalRequests");
            Assert.Equal(250, page["totalCount"]!.GetValue<int>());
            seen.AddRange(page["edges"]!.AsArray().Select(e => e!.Str("node.id")));
            after = page.Str("pageInfo.endCursor");
        }
        while (page.At("pageInfo.hasNextPage").GetValue<bool>());

        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Distinct().Count());
    }

    [Fact]
    public async Task ApprovalRequests_OrderExpiresSoonest_ListsTheNextToExpireFirst()
    {
        await using var api = new RespondApiFixture();
        await SeedPendingAsync(api, 250);

        var result = await api.GraphQLAsync("approver-a", "{ approvalRequests(first: 200, order: EXPIRES_SOONEST, where: { status: PENDING }) { edges { node { expiresAt } } } }");

        var expiries = result.At("data.approvalRequests.edges").AsArray().Select(e => DateTimeOffset.Parse(e!.Str("node.expiresAt"))).ToList();
        Assert.Equal(200, expiries.Count);
        Assert.Equal(expiries.Order(), expiries);
        Assert.Equal(Start.AddDays(30), expiries[0]);
    }

    [Fact]
    public async Task ApprovalRequests_OtherOrganizationsReader_SeesNoneOfThem()
    {
        await using var api = new RespondApiFixture();
        await SeedPendingAsync(api, 5);

        var result = await api.GraphQLAsync("approver-b", "{ approvalRequests { totalCount } pendingApprovalGroups { totalCount } }");

        Assert.Equal(0, result.At("data.approvalRequests.totalCount").GetValue<int>());
        Assert.Equal(0, result.At("data.pendingApprovalGroups.totalCount").GetValue<int>());
    }

    [Fact]
    public async Task ApprovalRequest_ById_AnswersTheDecisionPage_ToItsOrganizationOnly()
    {
        await using var api = new RespondApiFixture();
        await SeedPendingAsync(api, 1);
        const string Query = "query($id: ID!) { approvalRequest(id: $id) { id status organizationId requestedByName approvalsRequired } }";

        var own = await api.GraphQLAsync("approver-a", Query, new { id = "apr-seed-org-a-0000" });
        var other = await api.GraphQLAsync("approver-b", Query, new { id = "apr-seed-org-a-0000" });
        var missing = await api.GraphQLAsync("approver-a", Query, new { id = "apr-nothing" });

        Assert.Equal(("apr-seed-org-a-0000", "PENDING", "org-a"), (own.Str("data.approvalRequest.id"), own.Str("data.approvalRequest.status"), own.Str("data.approvalRequest.organizationId")));
        Assert.Null(other.At("data")["approvalRequest"]);
        Assert.Null(missing.At("data")["approvalRequest"]);
    }

    [Fact]
    public async Task ApprovalRequests_TextAndActionTypeFilters_KeepOnlyMatches()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("laptop-finance-7"));
        await api.SubmitAsync("responder-a", "QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "/tmp/evil.sh" });

        var byText = await api.GraphQLAsync("approver-a", "{ approvalRequests(where: { text: \"FINANCE\" }) { totalCount edges { node { actionTypes } } } }");
        var byType = await api.GraphQLAsync("approver-a", "{ approvalRequests(where: { actionType: QUARANTINE_FILE }) { totalCount edges { node { actionTypes } } } }");

        Assert.Equal(1, byText.At("data.approvalRequests.totalCount").GetValue<int>());
        Assert.Equal("ISOLATE_DEVICE", byText.Str("data.approvalRequests.edges.0.node.actionTypes.0"));
        Assert.Equal(1, byType.At("data.approvalRequests.totalCount").GetValue<int>());
        Assert.Equal("QUARANTINE_FILE", byType.Str("data.approvalRequests.edges.0.node.actionTypes.0"));
    }

    [Fact]
    public async Task ApprovalRequest_PersonsSubmission_SaysTheApprovalRequirementInWords()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-7"));

        var result = await api.GraphQLAsync("approver-a", "{ approvalRequests { edges { node { reason reasonText groupKey evidence { id } } } } }");

        var node = result.At("data.approvalRequests.edges.0.node");
        Assert.Equal("APPROVAL_REQUIREMENT", node.Str("reason"));
        Assert.Contains("ISOLATE_DEVICE requires a second person's approval", node.Str("reasonText"));
        Assert.Equal("org-a|ISOLATE_DEVICE deviceId=dev-7", node.Str("groupKey"));
        Assert.Null(node["evidence"]);
    }

    [Fact]
    public async Task ApprovalRequest_FromAGate_NamesItsRuleAlertEvidenceAndReason()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL", name: "Isolate on malware");
        await api.PostEventsAsync("ingestor-a", [new
        {
            id = "mal-1", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL",
            time = "2026-11-23T10:00:00Z", device = new { id = "dev-9", hostname = "pc-9" },
        }]);

        var result = await api.GraphQLAsync("approver-a", """
            { approvalRequests(where: { kind: GATE }) { edges { node {
                ruleName reason reasonText alert { title severity } evidence { id source type severity fields } } } } }
            """);

        var node = result.At("data.approvalRequests.edges.0.node");
        Assert.Equal("Isolate on malware", node.Str("ruleName"));
        Assert.Equal("APPROVAL_GATE", node.Str("reason"));
        Assert.Contains("\"Isolate on malware\"", node.Str("reasonText"));
        Assert.Equal("Malware on dev-9", node.Str("alert.title"));
        Assert.Equal("mal-1", node.Str("evidence.id"));
        Assert.Equal("malware.detected", node.Str("evidence.type"));
        Assert.Equal("pc-9", node.Str("evidence.fields.device.hostname"));
    }

    [Fact]
    public async Task PendingApprovalGroups_IdenticalProposals_AreOneGroupWithTheirCount()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-7"));
        await api.SubmitAsync("admin-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-7"));
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-8"));

        var result = await api.GraphQLAsync("approver-a", "{ pendingApprovalGroups { totalCount edges { node { groupKey count targets actionTypes requestIds first { id } } } } }");

        Assert.Equal(2, result.At("data.pendingApprovalGroups.totalCount").GetValue<int>());
        var groups = result.At("data.pendingApprovalGroups.edges").AsArray().Select(e => e!["node"]!).ToList();
        var twice = Assert.Single(groups, g => g.Str("groupKey") == "org-a|ISOLATE_DEVICE deviceId=dev-7");
        Assert.Equal(2, twice["count"]!.GetValue<int>());
        Assert.Equal(2, twice["requestIds"]!.AsArray().Count);
        Assert.Equal("deviceId=dev-7", twice.Str("targets.0"));
        Assert.Equal(1, Assert.Single(groups, g => g.Str("groupKey") == "org-a|ISOLATE_DEVICE deviceId=dev-8")["count"]!.GetValue<int>());
    }

    private const string BulkDecide = """
        mutation($input: DecideApprovalRequestsInput!) { decideApprovalRequests(input: $input) {
          decidedCount skippedCount results { id decided approvalRequest { status decidedBy comment } error { code message path } } errors { code message path } } }
        """;

    [Fact]
    public async Task DecideApprovalRequests_BulkApprove_DecidesOnlyOthersRequestsAndSkipsOwnWithTheReason()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        var others = new List<string>();
        for (var i = 0; i < 3; i++)
            others.Add((await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device($"dev-{i}"))).Str("data.submitResponseAction.approvalRequest.id"));
        var own = (await api.SubmitAsync("admin-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-own"))).Str("data.submitResponseAction.approvalRequest.id");

        var result = await api.GraphQLAsync("admin-a", BulkDecide, new { input = new { ids = others.Append(own), decision = "APPROVE", justification = "Confirmed ransomware spread." } });

        var payload = result.At("data.decideApprovalRequests");
        Assert.Equal(3, payload["decidedCount"]!.GetValue<int>());
        Assert.Equal(1, payload["skippedCount"]!.GetValue<int>());
        var results = payload["results"]!.AsArray();
        Assert.All(results.Take(3), r =>
        {
            Assert.Equal("APPROVED", r!.Str("approvalRequest.status"));
            Assert.Equal("admin-a", r!.Str("approvalRequest.decidedBy"));
            Assert.Equal("Confirmed ransomware spread.", r!.Str("approvalRequest.comment"));
        });
        Assert.Equal(own, results[3]!.Str("id"));
        Assert.False(results[3]!["decided"]!.GetValue<bool>());
        Assert.Equal("DUAL_CONTROL", results[3]!.Str("error.code"));
        Assert.Equal(["input", "ids", "3"], results[3]!["error"]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        var stillPending = await api.GraphQLAsync("admin", "{ approvalRequests(where: { status: PENDING }) { edges { node { id } } } }");
        Assert.Equal(own, stillPending.Str("data.approvalRequests.edges.0.node.id"));
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(first: 200) { edges { node { action subjectId } } } }");
        var entries = audit.At("data.auditTrail.edges").AsArray().Select(e => (Action: e!.Str("node.action"), Entity: e!.Str("node.subjectId"))).ToList();
        Assert.All(others, id => Assert.Contains(("approval.approved", id), entries));
        Assert.Contains(("authorization.refused", "decideApprovalRequests"), entries);
    }

    [Fact]
    public async Task DecideApprovalRequests_OtherOrganizationsAdmin_DecidesNothingAndIsAudited()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        var id = (await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"))).Str("data.submitResponseAction.approvalRequest.id");

        var result = await api.GraphQLAsync("admin-b", BulkDecide, new { input = new { ids = new[] { id }, decision = "REJECT", justification = "hostile" } });

        Assert.Equal(0, result.At("data.decideApprovalRequests.decidedCount").GetValue<int>());
        Assert.Equal("NOT_FOUND", result.Str("data.decideApprovalRequests.results.0.error.code"));
        var pending = await api.GraphQLAsync("admin", "{ approvalRequests(where: { status: PENDING }) { totalCount } }");
        Assert.Equal(1, pending.At("data.approvalRequests.totalCount").GetValue<int>());
        var refusals = await api.GraphQLAsync("admin", "{ auditTrail(first: 200) { edges { node { action subjectId actorId } } } }");
        Assert.Contains(refusals.At("data.auditTrail.edges").AsArray(), e => e!.Str("node.action") == "authorization.refused" && e!.Str("node.subjectId") == "decideApprovalRequests" && e!.Str("node.actorId") == "admin-b");
    }

    [Fact]
    public async Task DecideApprovalRequests_LowerRole_IsForbidden()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        var id = (await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"))).Str("data.submitResponseAction.approvalRequest.id");

        var result = await api.GraphQLAsync("viewer-a", BulkDecide, new { input = new { ids = new[] { id }, decision = "APPROVE", justification = "x" } });

        Assert.Equal("FORBIDDEN", result.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task DecideApprovalRequests_NoJustification_IsRefusedNamingTheField()
    {
        await using var api = new RespondApiFixture();

        var result = await api.GraphQLAsync("approver-a", BulkDecide, new { input = new { ids = new[] { "apr-x" }, decision = "APPROVE", justification = " " } });

        Assert.Equal("VALIDATION", result.Str("data.decideApprovalRequests.errors.0.code"));
        Assert.Equal("justification", result.Str("data.decideApprovalRequests.errors.0.path.1"));
    }
}
