using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Conditions;

public sealed class ThresholdConditionTests
{
    private static readonly CompiledRule Rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.threshold",
        """{ "groupBy": ["user.id"], "count": 5, "window": "PT10M" }"""));

    private static readonly DateTimeOffset T0 = RuntimeHarness.Start;

    private static async Task<List<WorkflowInstance>> RunAsync(RuntimeHarness harness, params (string User, int Minute)[] events)
    {
        var instances = new List<WorkflowInstance>();
        foreach (var (user, minute) in events)
        {
            instances.Add(await harness.StartAsync(Rule, RuntimeHarness.UserEvent(user, T0.AddMinutes(minute))));
        }
        return instances;
    }

    [Fact]
    public async Task Execute_FourthFailureInWindow_TakesFalsePort()
    {
        var harness = new RuntimeHarness();

        var instances = await RunAsync(harness, ("u-1", 0), ("u-1", 1), ("u-1", 2), ("u-1", 3));

        Assert.All(instances, instance => Assert.Equal("false", RuntimeHarness.Step(instance, "subject").Port));
        Assert.Empty(harness.Alerts.Alerts);
    }

    [Fact]
    public async Task Execute_FifthFailureInWindow_TakesTruePort()
    {
        var harness = new RuntimeHarness();

        var instances = await RunAsync(harness, ("u-1", 0), ("u-1", 1), ("u-1", 2), ("u-1", 3), ("u-1", 4));

        var fifth = RuntimeHarness.Step(instances[^1], "subject");
        Assert.Equal("true", fifth.Port);
        Assert.Equal("u-1", (string)fifth.Detail!["groupKey"]!);
        Assert.Equal(5, (int)fifth.Detail["count"]!);
        Assert.Equal(5, (int)fifth.Detail["required"]!);
        Assert.Equal("PT10M", (string)fifth.Detail["window"]!);
        Assert.Single(harness.Alerts.Alerts);
    }

    [Fact]
    public async Task Execute_OldEventsOutsideWindow_DropOut()
    {
        var harness = new RuntimeHarness();

        // Minute 0 is more than 10 minutes before minute 12, so the fifth event only sees four in its window.
        var instances = await RunAsync(harness, ("u-1", 0), ("u-1", 5), ("u-1", 6), ("u-1", 7), ("u-1", 12));
        var next = await RunAsync(harness, ("u-1", 13));

        Assert.Equal("false", RuntimeHarness.Step(instances[^1], "subject").Port);
        Assert.Equal(4, (int)RuntimeHarness.Step(instances[^1], "subject").Detail!["count"]!);
        Assert.Equal("true", RuntimeHarness.Step(next[0], "subject").Port);
    }

    [Fact]
    public async Task Execute_AfterFiring_GroupStartsAfresh()
    {
        var harness = new RuntimeHarness();
        await RunAsync(harness, ("u-1", 0), ("u-1", 1), ("u-1", 2), ("u-1", 3), ("u-1", 4));

        var sixth = await RunAsync(harness, ("u-1", 5));

        Assert.Equal("false", RuntimeHarness.Step(sixth[0], "subject").Port);
        Assert.Equal(1, (int)RuntimeHarness.Step(sixth[0], "subject").Detail!["count"]!);
    }

    [Fact]
    public async Task Execute_OtherUsers_CountSeparately()
    {
        var harness = new RuntimeHarness();

        var instances = await RunAsync(harness, ("u-1", 0), ("u-2", 1), ("u-1", 2), ("u-2", 3), ("u-1", 4), ("u-2", 5), ("u-1", 6));

        Assert.All(instances, instance => Assert.Equal("false", RuntimeHarness.Step(instance, "subject").Port));
    }

    [Fact]
    public async Task Execute_SameUserInOtherOrganization_CountsSeparately()
    {
        var harness = new RuntimeHarness();
        for (var i = 0; i < 4; i++)
        {
            await harness.StartAsync(Rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" } }""", time: T0.AddMinutes(i), organization: "org-a"));
        }

        var other = await harness.StartAsync(Rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" } }""", time: T0.AddMinutes(5), organization: "org-b"));

        Assert.Equal("false", RuntimeHarness.Step(other, "subject").Port);
    }

    [Fact]
    public async Task Execute_WindowState_SurvivesANewEngineOnTheSameStore()
    {
        var harness = new RuntimeHarness();
        await RunAsync(harness, ("u-1", 0), ("u-1", 1), ("u-1", 2), ("u-1", 3));
        var restarted = new WorkflowEngine(harness.Windows, harness.Alerts, harness.Actions, harness.Approvals, harness.Instances,
            harness.Scheduler, harness.Time);

        var fifth = await restarted.StartAsync(Rule, RuntimeHarness.UserEvent("u-1", T0.AddMinutes(4)), CancellationToken.None);

        Assert.Equal("true", RuntimeHarness.Step(fifth, "subject").Port);
    }

    [Fact]
    public async Task Execute_EventWithoutGroupField_TakesFalseWithoutCounting()
    {
        var harness = new RuntimeHarness();

        var instance = await harness.StartAsync(Rule, RuntimeHarness.Event("{}"));

        Assert.Equal("false", RuntimeHarness.Step(instance, "subject").Port);
        Assert.Empty(harness.Windows.Windows);
    }

    [Fact]
    public async Task Execute_WithoutFalseDetails_CountBelowTheThresholdRecordsNoDetail_ButStillCountsTowardsIt()
    {
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false });

        var instances = await RunAsync(harness, ("u-1", 0), ("u-1", 1), ("u-1", 2), ("u-1", 3), ("u-1", 4));

        Assert.All(instances[..4], instance => Assert.Null(RuntimeHarness.Step(instance, "subject").Detail));
        var fifth = RuntimeHarness.Step(instances[^1], "subject");
        Assert.Equal("true", fifth.Port);
        Assert.Equal(5, (int)fifth.Detail!["count"]!);
        Assert.Equal("PT10M", (string)fifth.Detail["window"]!);
        Assert.Single(harness.Alerts.Alerts);
    }
}
