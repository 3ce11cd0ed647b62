using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Approvals;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Features.Approvals;

/// <summary>
/// Issue 16, escalation: with a fake clock, the first group is told, the delay passes, the next group is told and may
/// decide; after the last step the request takes its fallback (expire by default); a restart between steps loses nothing.
/// </summary>
public abstract class ApprovalEscalationTests(TestDatabase database)
{
    private const string RequestFields = """
        id status approvers escalationLevel nextEscalationAt expiresAt fallback autoApproveReason
        escalation { afterMinutes notify } notices { level recipients }
        """;

    /// <summary>Whole seconds: Quartz and the providers store times at coarser precision than ticks, a due step must stay due.</summary>
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private RespondApiFixture Host() => ActionScenario.Host(database).WithServices(s => s.AddSingleton<TimeProvider>(_time));

    /// <summary>QUARANTINE_FILE asks approver-a first; after 15 minutes the on-call list (approver), after 15 more admin-a.</summary>
    private static readonly object EscalatingPolicy = new
    {
        type = "QUARANTINE_FILE",
        approvalsRequired = 1,
        approvers = new[] { "approver-a" },
        escalation = new object[] { new { afterMinutes = 15, notify = new[] { "on-call" } }, new { afterMinutes = 15, notify = new[] { "admin-a" } } },
        timeoutMinutes = 45,
    };

    private static async Task<JsonObject> SetPoliciesAsync(RespondApiFixture api, object policy, string[]? onCall = null) =>
        await api.GraphQLAsync("admin-a", """
            mutation($input: UpdateApprovalPoliciesInput!) { updateApprovalPolicies(input: $input) {
              settings { onCall approvalPolicies { type approvers escalation { afterMinutes notify } timeoutMinutes fallback autoApproveReason } }
              errors { code message path } } }
            """, new { input = new { organizationId = "org-a", policies = new[] { policy }, onCall } });

    private static async Task<(string RequestId, string ActionId)> SubmitQuarantineAsync(RespondApiFixture api)
    {
        var submitted = await api.SubmitAsync("responder-a", "QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "/tmp/evil.sh" });
        Assert.Empty(submitted.Errors("submitResponseAction"));
        return (submitted.Str("data.submitResponseAction.approvalRequest.id"), submitted.Str("data.submitResponseAction.responseAction.id"));
    }

    private static async Task<JsonNode> RequestAsync(RespondApiFixture api, string requestId)
    {
        var result = await api.GraphQLAsync("admin", $$"""{ approvalRequests(first: 50) { edges { node { {{RequestFields}} } } } }""");
        return result.At("data.approvalRequests.edges").AsArray().Select(e => e!["node"]!).Single(n => n.Str("id") == requestId);
    }

    private static Task<JsonObject> ApproveAsync(RespondApiFixture api, string client, string requestId) =>
        api.GraphQLAsync(client, "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status decidedBy } errors { code message } } }", new { id = requestId });

    /// <summary>
    /// The advanceable scheduler: moves the fake clock (which Quartz's trigger acquisition follows too), has Quartz fire
    /// every approval job whose stored trigger is due by then, and waits until each ran (its trigger gone or moved past
    /// the new time). Returns the jobs still due when looked at (Quartz may have run one already), escalation steps first.
    /// </summary>
    private async Task<List<string>> AdvanceAsync(RespondApiFixture api, TimeSpan by)
    {
        _time.Advance(by);
        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var due = new List<string>();
        foreach (var kind in new[] { ActionJobKind.EscalateApproval, ActionJobKind.ExpireApproval })
        {
            foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ActionScheduler.Key(kind, "").Group)))
            {
                if (!await IsDueAsync(scheduler, key)) continue;
                due.Add($"{kind}:{key.Name}");
                try
                {
                    await scheduler.TriggerJob(key);
                }
                catch (JobPersistenceException)
                {
                    // Quartz ran it on its own meanwhile and the one-shot job is gone: what we wait for happened.
                }
            }
        }
        var until = DateTime.UtcNow.AddSeconds(30);
        foreach (var job in due)
        {
            var key = ActionScheduler.Key(Enum.Parse<ActionJobKind>(job.Split(':')[0]), job.Split(':')[1]);
            while (await IsDueAsync(scheduler, key))
            {
                Assert.True(DateTime.UtcNow < until, $"Quartz did not run {job}.");
                await Task.Delay(50);
            }
        }
        return due;
    }

    /// <summary>Due or running: a trigger at or before the fake now, or one firing (no next time, executing, blocked).</summary>
    private async Task<bool> IsDueAsync(IScheduler scheduler, JobKey key)
    {
        foreach (var trigger in await scheduler.GetTriggersOfJob(key))
        {
            if (trigger.NextFireTimeUtc is not { } next || next <= _time.GetUtcNow()) return true;
            if (await scheduler.GetTriggerState(trigger.Key) is TriggerState.Blocked) return true;
        }
        return false;
    }

    [SkippableFact]
    public async Task Escalation_AfterTheDelay_NextGroupIsToldAndMayDecide_NotBefore()
    {
        await using var api = Host();
        await api.ReadyAsync();
        Assert.Empty((await SetPoliciesAsync(api, EscalatingPolicy, onCall: ["approver"])).Errors("updateApprovalPolicies"));
        await using var inbox = await GraphQLWebSocketClient.ConnectAsync(api, "approver");
        await inbox.SubscribeAsync("escalated", "subscription { approvalEscalated(organizationId: \"org-a\") { id escalationLevel notices { level recipients } } }");
        var (requestId, actionId) = await SubmitQuarantineAsync(api);

        var opened = await RequestAsync(api, requestId);
        Assert.Equal(["approver-a"], opened["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal([0], opened["notices"]!.AsArray().Select(n => n!["level"]!.GetValue<int>()));
        var early = await ApproveAsync(api, "approver", requestId);
        Assert.Equal("NOT_AN_APPROVER", early.Errors("approveRequest")[0]!.Str("code"));
        Assert.Empty(await AdvanceAsync(api, TimeSpan.FromMinutes(14)));
        Assert.Equal(0, (await RequestAsync(api, requestId))["escalationLevel"]!.GetValue<int>());

        await AdvanceAsync(api, TimeSpan.FromMinutes(1));

        var told = await inbox.NextAsync("escalated");
        Assert.Equal(requestId, told.Str("approvalEscalated.id"));
        Assert.Equal(1, told.At("approvalEscalated.escalationLevel").GetValue<int>());
        Assert.Equal(["approver"], told.At("approvalEscalated.notices.1.recipients").AsArray().Select(r => r!.GetValue<string>()));
        var escalated = await RequestAsync(api, requestId);
        Assert.Equal(["approver-a", "approver"], escalated["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("PENDING", escalated.Str("status"));
        var approved = await ApproveAsync(api, "approver", requestId);
        Assert.Empty(approved.Errors("approveRequest"));
        Assert.Equal("APPROVED", approved.Str("data.approveRequest.approvalRequest.status"));
        Assert.Contains("QUEUED", (await api.WaitForAsync(actionId, a => a.Str("status") != "PENDING_APPROVAL")).Statuses());
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"approval.escalated\" }) { edges { node { actorId after } } } }", new { id = requestId });
        Assert.Equal("system", audit.Str("data.auditTrail.edges.0.node.actorId"));
        // Decided: the next step's job is gone, so nobody else is told about a closed request.
        Assert.Empty(await AdvanceAsync(api, TimeSpan.FromMinutes(15)));
    }

    [SkippableFact]
    public async Task Escalation_AfterTheLastStep_TheRequestExpiresAtItsTimeout_AndItsActionIsCancelled()
    {
        await using var api = Host();
        await api.ReadyAsync();
        Assert.Empty((await SetPoliciesAsync(api, EscalatingPolicy, onCall: ["approver"])).Errors("updateApprovalPolicies"));
        var (requestId, actionId) = await SubmitQuarantineAsync(api);

        await AdvanceAsync(api, TimeSpan.FromMinutes(15));
        await AdvanceAsync(api, TimeSpan.FromMinutes(15));
        var last = await RequestAsync(api, requestId);
        Assert.Equal(2, last["escalationLevel"]!.GetValue<int>());
        Assert.Null(last["nextEscalationAt"]);
        Assert.Equal(["admin-a"], last.At("notices.2.recipients").AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("PENDING", last.Str("status"));

        await AdvanceAsync(api, TimeSpan.FromMinutes(15));

        Assert.Equal("EXPIRED", (await RequestAsync(api, requestId)).Str("status"));
        Assert.Equal("CANCELLED", (await api.ActionAsync(actionId))!.Str("status"));
        var late = await ApproveAsync(api, "admin-a", requestId);
        Assert.Equal("ALREADY_DECIDED", late.Errors("approveRequest")[0]!.Str("code"));
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"approval.expired\" }) { totalCount } }", new { id = requestId });
        Assert.Equal(1, audit.At("data.auditTrail.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task Escalation_HostRestartBetweenSteps_TheNextStepStillFires()
    {
        var first = Host();
        await first.ReadyAsync();
        Assert.Empty((await SetPoliciesAsync(first, EscalatingPolicy, onCall: ["approver"])).Errors("updateApprovalPolicies"));
        var (requestId, _) = await SubmitQuarantineAsync(first);
        await AdvanceAsync(first, TimeSpan.FromMinutes(15));
        await first.DisposeHostOnlyAsync();

        await using var second = RespondApiFixture.On(first).WithServices(s => s.AddSingleton<TimeProvider>(_time));
        Assert.Equal(1, (await RequestAsync(second, requestId))["escalationLevel"]!.GetValue<int>());
        await AdvanceAsync(second, TimeSpan.FromMinutes(15));

        var escalated = await RequestAsync(second, requestId);
        Assert.Equal([0, 1, 2], escalated["notices"]!.AsArray().Select(n => n!["level"]!.GetValue<int>()));
        Assert.Equal(["approver-a", "approver", "admin-a"], escalated["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Empty((await ApproveAsync(second, "admin-a", requestId)).Errors("approveRequest"));
        await first.DisposeAsync();
    }

    [SkippableFact]
    public async Task Fallback_Approve_OnlyWithAReason_AndTheAuditQuotesIt()
    {
        await using var api = Host();
        await api.ReadyAsync();
        var unexplained = await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, timeoutMinutes = 30, fallback = "APPROVE" });
        Assert.Equal(["input", "policies", "0", "autoApproveReason"], unexplained.Errors("updateApprovalPolicies")[0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        const string Reason = "Quarantine is reversible and the SOC lead accepts it unattended at night (CHG-1234).";
        Assert.Empty((await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, timeoutMinutes = 30, fallback = "APPROVE", autoApproveReason = Reason }))
            .Errors("updateApprovalPolicies"));
        var (requestId, actionId) = await SubmitQuarantineAsync(api);

        await AdvanceAsync(api, TimeSpan.FromMinutes(30));

        Assert.Equal("APPROVED", (await RequestAsync(api, requestId)).Str("status"));
        Assert.Contains("QUEUED", (await api.WaitForAsync(actionId, a => a.Str("status") != "PENDING_APPROVAL")).Statuses());
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"approval.autoApproved\" }) { edges { node { actorId after } } } }", new { id = requestId });
        Assert.Equal("system", audit.Str("data.auditTrail.edges.0.node.actorId"));
        Assert.Contains("CHG-1234", audit.At("data.auditTrail.edges.0.node.after").ToJsonString());
    }

    [SkippableFact]
    public async Task Policy_WithoutFallback_ExpiresRatherThanApproving()
    {
        await using var api = Host();
        await api.ReadyAsync();
        Assert.Empty((await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, timeoutMinutes = 30 })).Errors("updateApprovalPolicies"));
        var (requestId, actionId) = await SubmitQuarantineAsync(api);

        await AdvanceAsync(api, TimeSpan.FromMinutes(30));

        var request = await RequestAsync(api, requestId);
        Assert.Equal("EXPIRE", request.Str("fallback"));
        Assert.Equal("EXPIRED", request.Str("status"));
        Assert.Equal("CANCELLED", (await api.ActionAsync(actionId))!.Str("status"));
    }

    [SkippableFact]
    public async Task Policy_BadEscalation_IsRefusedNamingTheField()
    {
        await using var api = Host();
        await api.ReadyAsync();

        var shortTimeout = await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, timeoutMinutes = 20,
            escalation = new object[] { new { afterMinutes = 15, notify = new[] { "approver" } }, new { afterMinutes = 15, notify = new[] { "admin-a" } } } });
        var noOne = await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, escalation = new object[] { new { afterMinutes = 15, notify = Array.Empty<string>() } } });
        var tooSoon = await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, escalation = new object[] { new { afterMinutes = 0, notify = new[] { "approver" } } } });
        var reasonWithoutApprove = await SetPoliciesAsync(api, new { type = "QUARANTINE_FILE", approvalsRequired = 1, autoApproveReason = "why not" });

        static string PathOf(JsonObject result) => string.Join(".", result.Errors("updateApprovalPolicies")[0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("input.policies.0.timeoutMinutes", PathOf(shortTimeout));
        Assert.Equal("input.policies.0.escalation.0.notify", PathOf(noOne));
        Assert.Equal("input.policies.0.escalation.0.afterMinutes", PathOf(tooSoon));
        Assert.Equal("input.policies.0.autoApproveReason", PathOf(reasonWithoutApprove));
        var settings = await api.GraphQLAsync("admin-a", "{ respondSettings(organizationId: \"org-a\") { approvalPolicies { type } } }");
        Assert.Empty(settings.At("data.respondSettings.approvalPolicies").AsArray());
    }

    public sealed class OnSqlite() : ApprovalEscalationTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : ApprovalEscalationTests(TestDatabase.PostgreSql);
}
