using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Flow;

public sealed class DelayTests
{
    private static readonly CompiledRule Rule = RuntimeHarness.Rule((JsonObject)JsonNode.Parse("""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "wait", "type": "flow.delay", "config": { "duration": "PT15M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Later", "severity": "LOW" } }
          ],
          "edges": [ { "from": "trigger", "to": "wait" }, { "from": "wait", "to": "alert" } ]
        }
        """)!);

    [Fact]
    public async Task Execute_Delay_SuspendsAndSchedulesResume()
    {
        var harness = new RuntimeHarness();

        var instance = await harness.StartAsync(Rule, RuntimeHarness.Event());

        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        Assert.Equal(Bookmark.Delay, instance.Bookmark!.Kind);
        Assert.Equal(RuntimeHarness.Start.AddMinutes(15), Assert.Single(harness.Scheduler.Scheduled).At);
        Assert.Empty(harness.Alerts.Alerts);
    }

    [Fact]
    public async Task ResumeDue_AfterDuration_ContinuesOnNext()
    {
        var harness = new RuntimeHarness();
        await harness.StartAsync(Rule, RuntimeHarness.Event());
        harness.Time.Advance(TimeSpan.FromMinutes(15));
        var due = Assert.Single(harness.Scheduler.TakeDue(harness.Time.GetUtcNow()));

        var resumed = await harness.Engine.ResumeDueAsync(due.InstanceId, due.BookmarkId, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Single(harness.Alerts.Alerts);
    }
}
