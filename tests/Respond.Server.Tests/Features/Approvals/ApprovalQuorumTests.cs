using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Features.Approvals;

/// <summary>Issue 16, quorum: N approvals from distinct eligible people, the requester never counts, the first rejection decides.</summary>
public sealed class ApprovalQuorumTests
{
    private const string RequestFields = "id status approvalsRequired approvalsReceived decidedBy decisions { by outcome comment }";

    private static async Task<RespondApiFixture> HostWithQuorumAsync(int approvalsRequired, string org = "org-a")
    {
        var api = ActionScenario.Host();
        await api.ReadyAsync();
        var updated = await api.GraphQLAsync("admin-a", """
            mutation($input: UpdateApprovalPoliciesInput!) { updateApprovalPolicies(input: $input) {
              settings { approvalPolicies { type approvalsRequired } } errors { code message path } } }
            """, new { input = new { organizationId = org, policies = new[] { new { type = "QUARANTINE_FILE", approvalsRequired } } } });
        Assert.Empty(updated.Errors("updateApprovalPolicies"));
        return api;
    }

    private static async Task<(string RequestId, string ActionId)> SubmitQuarantineAsync(RespondApiFixture api, string submitter)
    {
        var submitted = await api.SubmitAsync(submitter, "QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "/tmp/evil.sh" });
        Assert.Empty(submitted.Errors("submitResponseAction"));
        return (submitted.Str("data.submitResponseAction.approvalRequest.id"), submitted.Str("data.submitResponseAction.responseAction.id"));
    }

    private static Task<JsonObject> DecideAsync(RespondApiFixture api, string client, string requestId, bool approve = true) =>
        api.GraphQLAsync(client, $$"""
            mutation($id: ID!) { {{(approve ? "approveRequest" : "rejectRequest")}}(input: { id: $id, comment: "checked" }) {
              approvalRequest { {{RequestFields}} } errors { code message } } }
            """, new { id = requestId });

    private static async Task<JsonNode> RequestAsync(RespondApiFixture api, string requestId)
    {
        var result = await api.GraphQLAsync("admin", $$"""{ approvalRequests(first: 50) { edges { node { {{RequestFields}} } } } }""");
        return result.At("data.approvalRequests.edges").AsArray().Select(e => e!["node"]!).Single(n => n.Str("id") == requestId);
    }

    [Fact]
    public async Task TwoOfThree_SubmitterAmongThem_NeedsTwoOtherApprovers()
    {
        await using var api = await HostWithQuorumAsync(2);
        // admin-a, approver-a and approver may all approve org-a's requests; admin-a submits, so only the other two count.
        var (requestId, actionId) = await SubmitQuarantineAsync(api, "admin-a");

        var own = await DecideAsync(api, "admin-a", requestId);
        Assert.Equal("DUAL_CONTROL", own.Errors("approveRequest")[0]!.Str("code"));

        var first = await DecideAsync(api, "approver-a", requestId);
        Assert.Empty(first.Errors("approveRequest"));
        Assert.Equal("PENDING", first.Str("data.approveRequest.approvalRequest.status"));
        Assert.Equal(1, first.At("data.approveRequest.approvalRequest.approvalsReceived").GetValue<int>());
        Assert.Equal(2, first.At("data.approveRequest.approvalRequest.approvalsRequired").GetValue<int>());
        Assert.Equal("PENDING_APPROVAL", (await api.ActionAsync(actionId))!.Str("status"));

        var again = await DecideAsync(api, "approver-a", requestId);
        Assert.Equal("ALREADY_COUNTED", again.Errors("approveRequest")[0]!.Str("code"));

        var second = await DecideAsync(api, "approver", requestId);
        Assert.Empty(second.Errors("approveRequest"));
        Assert.Equal("APPROVED", second.Str("data.approveRequest.approvalRequest.status"));
        Assert.Equal("approver", second.Str("data.approveRequest.approvalRequest.decidedBy"));
        var request = await RequestAsync(api, requestId);
        Assert.Equal(["approver-a", "approver"], request["decisions"]!.AsArray().Select(d => d!.Str("by")));
        var action = await api.WaitForAsync(actionId, a => a.Str("status") != "PENDING_APPROVAL");
        Assert.Contains("QUEUED", action.Statuses());
    }

    [Fact]
    public async Task Quorum_FirstRejection_CancelsTheRequestAndItsAction()
    {
        await using var api = await HostWithQuorumAsync(2);
        var (requestId, actionId) = await SubmitQuarantineAsync(api, "responder-a");

        Assert.Empty((await DecideAsync(api, "approver-a", requestId)).Errors("approveRequest"));
        var rejected = await DecideAsync(api, "approver", requestId, approve: false);

        Assert.Empty(rejected.Errors("rejectRequest"));
        Assert.Equal("REJECTED", rejected.Str("data.rejectRequest.approvalRequest.status"));
        Assert.Equal("CANCELLED", (await api.WaitForStatusAsync(actionId, "CANCELLED")).Str("status"));
        var late = await DecideAsync(api, "admin-a", requestId);
        Assert.Equal("ALREADY_DECIDED", late.Errors("approveRequest")[0]!.Str("code"));
    }

    [Fact]
    public async Task Quorum_ThreeRacingApprovals_CountTwoAndDecideOnce()
    {
        await using var api = await HostWithQuorumAsync(2);
        var (requestId, actionId) = await SubmitQuarantineAsync(api, "responder-a");

        var decisions = await Task.WhenAll(
            DecideAsync(api, "approver-a", requestId),
            DecideAsync(api, "approver", requestId),
            DecideAsync(api, "admin-a", requestId));

        var errors = decisions.Select(d => d.Errors("approveRequest")).ToList();
        Assert.Equal(2, errors.Count(e => e.Count == 0));
        Assert.Equal("ALREADY_DECIDED", errors.Single(e => e.Count > 0)[0]!.Str("code"));
        var request = await RequestAsync(api, requestId);
        Assert.Equal("APPROVED", request.Str("status"));
        Assert.Equal(2, request["decisions"]!.AsArray().Count);
        var action = await api.WaitForAsync(actionId, a => a.Str("status") is "COMPLETED" or "FAILED");
        Assert.Equal(1, action.Statuses().Count(s => s == "QUEUED"));
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(first: 50, where: { subjectId: $id }) { edges { node { action actorId } } } }", new { id = requestId });
        var actions = audit.At("data.auditTrail.edges").AsArray().Select(e => e!.Str("node.action")).ToList();
        Assert.Equal(1, actions.Count(a => a == "approval.counted"));
        Assert.Equal(1, actions.Count(a => a == "approval.approved"));
    }

    [Fact]
    public async Task UpdateApprovalPolicies_QuorumOutOfRange_IsRefusedNamingTheField()
    {
        await using var api = ActionScenario.Host();

        var result = await api.GraphQLAsync("admin-a", """
            mutation { updateApprovalPolicies(input: { organizationId: "org-a", policies: [{ type: ISOLATE_DEVICE, approvalsRequired: 0 }] }) { errors { code path } } }
            """);

        var error = result.Errors("updateApprovalPolicies")[0]!;
        Assert.Equal("VALIDATION", error.Str("code"));
        Assert.Equal("input.policies.0.approvalsRequired", string.Join('.', error["path"]!.AsArray().Select(p => p!.ToString())));
    }

    [Fact]
    public async Task UpdateApprovalPolicies_OtherTenantsAdmin_GetsNotFoundAndChangesNothing()
    {
        await using var api = ActionScenario.Host();

        var result = await api.GraphQLAsync("admin-b", """
            mutation { updateApprovalPolicies(input: { organizationId: "org-a", policies: [{ type: ISOLATE_DEVICE, approvalsRequired: 1 }] }) { errors { code } } }
            """);

        Assert.Equal("NOT_FOUND", result.Errors("updateApprovalPolicies")[0]!.Str("code"));
        var settings = await api.GraphQLAsync("admin", """{ respondSettings(organizationId: "org-a") { approvalPolicies { type } } }""");
        Assert.Empty(settings.At("data.respondSettings.approvalPolicies").AsArray());
    }
}
