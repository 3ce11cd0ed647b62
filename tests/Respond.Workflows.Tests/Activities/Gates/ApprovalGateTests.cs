using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Tests.Activities.Gates;

public sealed class ApprovalGateTests
{
    // trigger → burst (threshold 1) → alert → gate; approved → blockSignIn → (completed) expireLogins; rejected → alert2.
    private static CompiledRule Rule(string gateConfig = """{ "timeout": "PT1H" }""") => RuntimeHarness.Rule(Definition(gateConfig), RuleOutcome.ManualApproval);

    private static JsonObject Definition(string gateConfig) => (JsonObject)JsonNode.Parse($$"""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Risky", "severity": "HIGH" } },
            { "id": "gate", "type": "gate.approval", "config": {{gateConfig}} },
            { "id": "block", "type": "action.blockSignIn", "config": {} },
            { "id": "expire", "type": "action.expireAccountLogins", "config": { "target": { "userId": "raw.upn" } } },
            { "id": "rejectedNote", "type": "alert.create", "config": { "title": "Rejected", "severity": "LOW" } }
          ],
          "edges": [
            { "from": "trigger", "to": "alert" },
            { "from": "alert", "to": "gate" },
            { "from": "gate", "to": "block", "port": "approved" },
            { "from": "block", "to": "expire", "port": "completed" },
            { "from": "gate", "to": "rejectedNote", "port": "rejected" }
          ]
        }
        """)!;

    private static WorkflowEvent Event() =>
        RuntimeHarness.Event("""{ "user": { "id": "u-1" }, "raw": { "upn": "alice@contoso.com" } }""");

    [Fact]
    public async Task Execute_Gate_SuspendsAndOpensRequestWithResolvedTargets()
    {
        var harness = new RuntimeHarness();

        var instance = await harness.StartAsync(Rule(), Event());

        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        var (requestId, opening) = Assert.Single(harness.Approvals.Openings);
        Assert.Equal(new Bookmark(requestId, "gate", Bookmark.Approval, requestId, RuntimeHarness.Start.AddHours(1)), instance.Bookmark);
        Assert.Equal(["block", "expire"], opening.ProposedActions.Select(a => a.NodeId));
        Assert.Equal("u-1", opening.ProposedActions[0].Target["userId"]);
        Assert.Equal("alice@contoso.com", opening.ProposedActions[1].Target["userId"]);
        Assert.Equal((string)instance.Variables["alertId"]!, opening.AlertId);
        Assert.Empty(harness.Actions.Dispatched);
        Assert.NotNull(await harness.Instances.FindAsync(instance.Id, CancellationToken.None));
        Assert.Equal(RuntimeHarness.Start.AddHours(1), Assert.Single(harness.Scheduler.Scheduled).At);
    }

    [Fact]
    public async Task Execute_NoTimeout_UsesConfiguredDefault()
    {
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DefaultApprovalTimeout = TimeSpan.FromMinutes(5) });

        await harness.StartAsync(Rule("{}"), Event());

        Assert.Equal(RuntimeHarness.Start.AddMinutes(5), Assert.Single(harness.Approvals.Openings).Opening.ExpiresAt);
    }

    [Fact]
    public async Task Resume_Approved_DispatchesActionsAndCompletes()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());

        var resumed = await harness.Engine.ResumeAsync(started.Id, started.Bookmark!.Id, "approved",
            new JsonObject { ["decidedBy"] = "approver-1" }, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Equal(["block", "expire"], harness.Actions.Dispatched.Select(a => a.NodeId));
        Assert.All(harness.Actions.Dispatched, a => Assert.Equal(started.Bookmark.Id, a.ApprovalRequestId));
        Assert.Equal("approved", RuntimeHarness.Step(resumed, "gate").Port);
        Assert.Empty(harness.Scheduler.Scheduled); // the expiry timer was cancelled
    }

    [Fact]
    public async Task Resume_Rejected_TakesRejectedPortWithoutActions()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());

        var resumed = await harness.Engine.ResumeAsync(started.Id, started.Bookmark!.Id, "rejected", null, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Equal("rejected", RuntimeHarness.Step(resumed, "gate").Port);
        Assert.Contains(resumed.Path, step => step.NodeId == "rejectedNote");
        Assert.Empty(harness.Actions.Dispatched);
    }

    [Fact]
    public async Task ResumeDue_PastExpiry_TakesExpiredPort()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());
        harness.Time.Advance(TimeSpan.FromHours(1));
        var due = Assert.Single(harness.Scheduler.TakeDue(harness.Time.GetUtcNow()));

        var resumed = await harness.Engine.ResumeDueAsync(due.InstanceId, due.BookmarkId, CancellationToken.None);

        Assert.Equal("expired", RuntimeHarness.Step(resumed!, "gate").Port);
        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Empty(harness.Actions.Dispatched);
        Assert.Equal(started.Id, resumed.Id);
    }

    [Fact]
    public async Task ResumeDue_BeforeExpiry_DoesNothing()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());
        harness.Time.Advance(TimeSpan.FromMinutes(59));

        var resumed = await harness.Engine.ResumeDueAsync(started.Id, started.Bookmark!.Id, CancellationToken.None);

        Assert.Null(resumed);
        Assert.Equal(InstanceStatus.Suspended, (await harness.Instances.FindAsync(started.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Resume_LateOrDuplicate_IsANoOp()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());
        await harness.Engine.ResumeAsync(started.Id, started.Bookmark!.Id, "approved", null, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(2));

        var duplicate = await harness.Engine.ResumeAsync(started.Id, started.Bookmark.Id, "rejected", null, CancellationToken.None);
        var lateExpiry = await harness.Engine.ResumeDueAsync(started.Id, started.Bookmark.Id, CancellationToken.None);
        var wrongBookmark = await harness.Engine.ResumeAsync(started.Id, "approval-999", "approved", null, CancellationToken.None);

        Assert.Null(duplicate);
        Assert.Null(lateExpiry);
        Assert.Null(wrongBookmark);
        Assert.Equal(2, harness.Actions.Dispatched.Count);
        Assert.Equal("approved", RuntimeHarness.Step((await harness.Instances.FindAsync(started.Id, CancellationToken.None))!, "gate").Port);
    }

    [Fact]
    public async Task Resume_UnknownPort_Throws()
    {
        var harness = new RuntimeHarness();
        var started = await harness.StartAsync(Rule(), Event());

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await harness.Engine.ResumeAsync(started.Id, started.Bookmark!.Id, "maybe", null, CancellationToken.None));
    }

    [Fact]
    public async Task Execute_ApprovalsRequired_OpensRequestWithThatQuorum()
    {
        var harness = new RuntimeHarness();

        await harness.StartAsync(Rule("""{ "timeout": "PT1H", "approvalsRequired": 2 }"""), Event());

        Assert.Equal(2, Assert.Single(harness.Approvals.Openings).Opening.ApprovalsRequired);
    }

    [Fact]
    public async Task Execute_NoApprovalsRequired_OpensRequestNeedingOneApproval()
    {
        var harness = new RuntimeHarness();

        await harness.StartAsync(Rule(), Event());

        Assert.Equal(1, Assert.Single(harness.Approvals.Openings).Opening.ApprovalsRequired);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Validate_ApprovalsRequiredOutOfRange_NamesTheField(int approvalsRequired)
    {
        var errors = DefinitionValidator.Validate(Definition($$"""{ "approvalsRequired": {{approvalsRequired}} }""").ToElement(), RuleOutcome.ManualApproval);

        var error = Assert.Single(errors);
        Assert.Equal("gate", error.NodeId);
        Assert.Equal("config.approvalsRequired", error.Field);
    }
}
