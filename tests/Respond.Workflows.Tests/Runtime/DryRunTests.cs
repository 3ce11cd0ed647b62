using Respond.Workflows.Runtime;
using Respond.Workflows.Templates;

namespace Respond.Workflows.Tests.Runtime;

public sealed class DryRunTests
{
    private static IEnumerable<WorkflowEvent> Storm()
    {
        // Three users; u-1 fails 12 times a minute apart, u-2 5 times, u-3 3 times; plus noise of another type.
        var events = new List<WorkflowEvent>();
        for (var i = 0; i < 12; i++)
        {
            events.Add(RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start.AddMinutes(i)));
        }
        for (var i = 0; i < 5; i++)
        {
            events.Add(RuntimeHarness.UserEvent("u-2", RuntimeHarness.Start.AddMinutes(i * 2)));
        }
        for (var i = 0; i < 3; i++)
        {
            events.Add(RuntimeHarness.UserEvent("u-3", RuntimeHarness.Start.AddMinutes(i)));
        }
        events.Add(RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start, "process.started"));
        return events.OrderBy(e => e.Time).ToList();
    }

    private static RuleSnapshot BurstRule() => RuntimeHarness.Snapshot(RuntimeHarness.Chain("condition.threshold",
        """{ "groupBy": ["user.id"], "count": 5, "window": "PT10M" }""",
        alertConfig: """{ "title": "Burst for {{user.name}}", "severity": "HIGH", "suppressFor": "PT30M" }"""), RuleOutcome.AlertOnly);

    [Fact]
    public async Task Run_SameEventsAsLive_SameAlerts()
    {
        var events = Storm().ToList();
        var harness = new RuntimeHarness();
        var index = new TriggerIndex([BurstRule()]);
        foreach (var e in events)
        {
            await harness.Engine.HandleEventAsync(index, e, CancellationToken.None);
        }

        var report = await DryRun.RunAsync(BurstRule(), events, harness.Time, CancellationToken.None);

        static object Shape(Workflows.Runtime.InMemory.RecordedAlert a) => (a.Request.Title, a.Request.GroupKey, a.Count, a.Request.EventId);
        Assert.Equal(harness.Alerts.Alerts.Select(Shape), report.Alerts.Select(Shape));
        Assert.Equal([("Burst for User u-1", 2), ("Burst for User u-2", 1)], report.Alerts.Select(a => (a.Request.Title, a.Count)));
    }

    [Fact]
    public async Task Run_PerEvent_ReportsTriggerPathAndAlerts()
    {
        var events = Storm().ToList();

        var report = await DryRun.RunAsync(BurstRule(), events, TimeProvider.System, CancellationToken.None);

        Assert.True(report.IsValid);
        Assert.Equal(events.Count, report.Events.Count);
        Assert.False(report.Events.Single(r => r.EventId == events.Single(e => e.Type == "process.started").Id).Triggered);
        var firing = report.Events.First(r => r.Alerts.Count > 0);
        Assert.Equal(["trigger", "subject", "alert"], firing.Path.Select(step => step.NodeId));
        Assert.False(firing.Alerts[0].Suppressed);
    }

    [Fact]
    public async Task Run_ApprovalGate_ReportsProposedActionsAndStops()
    {
        var template = CommunityTemplates.All.Single(t => t.Id == "brute-force-burst");
        var definition = WorkflowDefinition.Parse(template.Definition).Definition;
        var rule = new RuleSnapshot("tpl", template.Name, 1, DefinitionHash.Compute(template.Definition), template.Outcome, [], definition);
        var events = Enumerable.Range(0, 10)
            .Select(i => RuntimeHarness.Event("""{ "user": { "id": "u-1", "name": "Alice" } }""", "signin.failed", RuntimeHarness.Start.AddSeconds(i * 10), severity: Severity.High))
            .ToList();

        var report = await DryRun.RunAsync(rule, events, TimeProvider.System, CancellationToken.None);

        Assert.True(report.IsValid, string.Join(" ", report.Errors.Select(e => e.Message)));
        var gated = report.Events.Where(r => r.ApprovalRequests.Count > 0).ToList();
        Assert.NotEmpty(gated);
        Assert.All(gated, r => Assert.Equal(InstanceStatus.Suspended, r.Status));
        Assert.All(gated, r => Assert.Empty(r.Actions));
        Assert.All(gated[0].ApprovalRequests[0].ProposedActions, a => Assert.Equal("u-1", a.Target["userId"]));
    }

    [Fact]
    public async Task Run_InvalidRule_ReportsErrorsAndRunsNothing()
    {
        var definition = RuntimeHarness.Chain("condition.threshold", """{ "groupBy": ["user.id"], "window": "PT10M" }""");

        var report = await DryRun.RunAsync(RuntimeHarness.Snapshot(definition), Storm(), TimeProvider.System, CancellationToken.None);

        Assert.False(report.IsValid);
        Assert.Empty(report.Events);
    }
}
