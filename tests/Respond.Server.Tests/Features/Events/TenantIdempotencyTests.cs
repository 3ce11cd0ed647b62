using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

/// <summary>Issue 11 point 2: an event's idempotency key is (organization, source, id), so one tenant's key never hides another's event.</summary>
public abstract class TenantIdempotencyTests(TestDatabase database)
{
    private static object Edr(string id, string org) => EngineScenario.Event(id, "process.started", org: org, source: "crowdstrike");

    [SkippableFact]
    public async Task PostEvents_TwoOrganizationsSameSourceAndId_EachStoredAndEvaluated()
    {
        await using var api = RespondApiFixture.For(database);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, org: "org-a");
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, org: "org-b", name: "b rule");

        var fromB = await api.PostEventsAsync("admin-b", [Edr("edr-X", "org-b")]);
        var fromA = await api.PostEventsAsync("ingestor-a", [Edr("edr-X", "org-a")]);

        Assert.Equal(1, fromB.At("accepted").GetValue<int>());
        Assert.Equal(1, fromA.At("accepted").GetValue<int>());
        Assert.Equal(0, fromA.At("duplicates").GetValue<int>());
        var alerts = await api.GraphQLAsync("admin", "{ alerts { edges { node { organizationId } } } }");
        Assert.Equal(["org-a", "org-b"], alerts.At("data.alerts.edges").AsArray().Select(e => e!.Str("node.organizationId")).Order());
    }

    [SkippableFact]
    public async Task PostEvents_ReplayWithinOneOrganization_StillADuplicate()
    {
        await using var api = RespondApiFixture.For(database);
        await api.PostEventsAsync("admin-b", [Edr("edr-Y", "org-b")]);
        await api.PostEventsAsync("ingestor-a", [Edr("edr-Y", "org-a")]);

        var replay = await api.PostEventsAsync("ingestor-a", [Edr("edr-Y", "org-a")]);

        Assert.Equal(0, replay.At("accepted").GetValue<int>());
        Assert.Equal(1, replay.At("duplicates").GetValue<int>());
    }

    [SkippableFact]
    public async Task PostEvents_DuplicateAnswer_SameWhetherAnotherOrganizationHasTheKeyOrNot()
    {
        await using var api = RespondApiFixture.For(database);
        await api.PostEventsAsync("ingestor-a", [Edr("edr-known-to-a", "org-a")]);

        var probeKnown = await api.PostEventsAsync("admin-b", [Edr("edr-known-to-a", "org-b")]);
        var probeUnknown = await api.PostEventsAsync("admin-b", [Edr("edr-unknown-to-a", "org-b")]);

        Assert.Equal(probeUnknown.ToJsonString(), probeKnown.ToJsonString());
        Assert.Equal(1, probeKnown.At("accepted").GetValue<int>());
    }

    public sealed class OnSqlite() : TenantIdempotencyTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : TenantIdempotencyTests(TestDatabase.PostgreSql);
}
