using Respond.Workflows.Activities;
using Snapshooter.Xunit;

namespace Respond.Workflows.Tests.Activities;

public sealed class BlockCatalogTests
{
    [Theory]
    [InlineData("trigger.event", new[] { "next" })]
    [InlineData("trigger.schedule", new[] { "next" })]
    [InlineData("condition.match", new[] { "true", "false" })]
    [InlineData("condition.threshold", new[] { "true", "false" })]
    [InlineData("condition.correlate", new[] { "true", "false" })]
    [InlineData("condition.activeHours", new[] { "true", "false" })]
    [InlineData("condition.expression", new[] { "true", "false" })]
    [InlineData("gate.approval", new[] { "approved", "rejected", "expired" })]
    [InlineData("alert.create", new[] { "next" })]
    [InlineData("flow.delay", new[] { "next" })]
    public void Find_DocumentedBlockId_HasDocumentedPorts(string id, string[] ports)
    {
        var descriptor = BlockCatalog.Find(id);

        Assert.NotNull(descriptor);
        Assert.Equal(ports, descriptor.Ports);
    }

    [Fact]
    public void All_EveryResponseActionType_HasOneActionBlockWithResultPorts()
    {
        var actions = BlockCatalog.All.Where(d => d.Category == BlockCategory.Action).ToList();

        Assert.Equal(Enum.GetValues<ResponseActionType>(), actions.Select(d => d.ActionType!.Value).Order());
        Assert.All(actions, d => Assert.Equal(["completed", "failed"], d.Ports));
        Assert.All(actions, d => Assert.Equal(ResponseActionTypes.Get(d.ActionType!.Value).BlockId, d.Id));
    }

    [Theory]
    [InlineData("trigger.event", "eventTypes,sources,minSeverity")]
    [InlineData("trigger.schedule", "cron,timeZone")]
    [InlineData("condition.match", "all,any")]
    [InlineData("condition.threshold", "count,window,groupBy")]
    [InlineData("condition.correlate", "groupBy,window,ordered,signals")]
    [InlineData("condition.activeHours", "timeZone,windows")]
    [InlineData("condition.expression", "expression")]
    [InlineData("gate.approval", "timeout,approvers,approvalsRequired,escalation")]
    [InlineData("alert.create", "title,severity,suppressFor")]
    [InlineData("flow.delay", "duration")]
    [InlineData("action.runScript", "target,parameters,script,scriptId,scriptVersion")]
    [InlineData("action.isolateDevice", "target,parameters")]
    public void Find_DocumentedBlockId_HasDocumentedConfigKeys(string id, string keys)
    {
        var descriptor = BlockCatalog.Find(id)!;

        Assert.Equal(keys.Split(','), descriptor.Config.Select(field => field.Name));
    }

    [Fact]
    public void All_BlockIds_AreUniqueAndPrefixedByCategory()
    {
        var ids = BlockCatalog.All.Select(d => d.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(BlockCatalog.All, d => Assert.StartsWith(d.Category.ToString().ToLowerInvariant() + ".", d.Id));
    }

    [Fact]
    public void Find_UnknownId_ReturnsNull()
    {
        var descriptor = BlockCatalog.Find("condition.horoscope");

        Assert.Null(descriptor);
    }

    [Fact]
    public void All_SerializedCatalog_MatchesSnapshot()
    {
        var catalog = BlockCatalog.All;

        Snapshot.Match(catalog);
    }
}
