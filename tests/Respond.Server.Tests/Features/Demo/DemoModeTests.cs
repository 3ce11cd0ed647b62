using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Respond.Server.Features.Demo;

namespace Respond.Server.Tests.Features.Demo;

public sealed class DemoModeTests
{
    [Fact]
    public async Task DemoEnabled_SeedsOrganizationsAndRules_AndAlertsApprovalsAndActionsFlowWithinAMinute()
    {
        await using var api = new RespondApiFixture().With("Respond:Demo:Enabled", "true").With("Respond:Demo:Interval", "00:00:00.500");
        const string query = "{ organizations { edges { node { id connectionStatus } } } rules(where: { status: ACTIVE }) { edges { node { outcome } } } alerts { totalCount } approvalRequests { totalCount } responseActions { totalCount } }";

        var state = await api.UntilAsync(() => api.GraphQLAsync("admin", query),
            s => s.At("data.alerts.totalCount").GetValue<int>() > 0 && s.At("data.approvalRequests.totalCount").GetValue<int>() > 0
                && s.At("data.responseActions.totalCount").GetValue<int>() > 0,
            TimeSpan.FromSeconds(60), last => "No alert, approval request and action within a minute: " + last.ToJsonString());

        Assert.True(state.At("data.responseActions.totalCount").GetValue<int>() > 0, state.ToJsonString());
        Assert.True(state.At("data.approvalRequests.totalCount").GetValue<int>() > 0, state.ToJsonString());
        var demo = state.At("data.organizations.edges").AsArray().Select(e => e!["node"]!).Where(o => o.Str("id").StartsWith("demo-")).ToList();
        Assert.Equal(2, demo.Count);
        Assert.All(demo, o => Assert.Equal("HEALTHY", o.Str("connectionStatus")));
        Assert.Equal(["ALERT_ONLY", "AUTOMATIC", "MANUAL_APPROVAL"], state.At("data.rules.edges").AsArray().Select(e => e!.Str("node.outcome")).Order());
    }

    [Fact]
    public async Task DemoNotAskedFor_NothingSeededAndNothingGenerated()
    {
        await using var api = new RespondApiFixture();
        await api.GraphQLAsync("admin", "{ viewer { id } }");

        // Seeding runs before the first request is served, and without the setting no generator is there to run at all
        // (it sends its first burst the moment it starts, so a registered one would have been the thing to wait for).
        Assert.DoesNotContain(api.Services.GetServices<IHostedService>(), s => s is DemoEventGenerator);
        var state = await api.GraphQLAsync("admin", "{ organizations { totalCount } rules { totalCount } alerts { totalCount } }");
        Assert.Equal(2, state.At("data.organizations.totalCount").GetValue<int>());
        Assert.Equal(0, state.At("data.rules.totalCount").GetValue<int>());
        Assert.Equal(0, state.At("data.alerts.totalCount").GetValue<int>());
    }

    private const string ActiveDemoRules = "{ rules(where: { status: ACTIVE }) { edges { node { id createdBy templateId organizationIds } } } }";

    private static List<string> DemoRuleIds(System.Text.Json.Nodes.JsonObject rules) => rules.At("data.rules.edges").AsArray().Select(e => e!["node"]!)
        .Where(r => r.Str("createdBy") == "system").Select(r => r.Str("id")).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The demo keeps to a database of its own and starts the same way on it again; a rule someone made earlier from one
    /// of its templates (for their organization) does not stand in for the demo's rule, so its approvals still appear.
    /// </summary>
    [Fact]
    public async Task DemoStartedTwice_OnItsOwnDatabase_SameRulesAndApprovalsStillAppear()
    {
        var before = new RespondApiFixture();
        var demoDatabase = Path.Combine(before.ContentRoot, "App_Data", "respond-demo.db");
        Directory.CreateDirectory(Path.GetDirectoryName(demoDatabase)!);
        before.With("ConnectionStrings:Respond", "Data Source=" + demoDatabase);
        var duplicated = await before.GraphQLAsync("admin", "mutation { duplicateTemplate(input: { templateId: \"brute-force-burst\", organizationIds: [\"org-a\"] }) { rule { id } errors { code } } }");
        Assert.Empty(duplicated.Errors("duplicateTemplate"));
        await before.DisposeHostOnlyAsync();
        var first = RespondApiFixture.On(before).With("Respond:Demo:Enabled", "true").With("Respond:Demo:Interval", "1.00:00:00");
        var seeded = DemoRuleIds(await first.GraphQLAsync("admin", ActiveDemoRules));
        await first.DisposeHostOnlyAsync();

        await using var second = RespondApiFixture.On(before).With("Respond:Demo:Enabled", "true").With("Respond:Demo:Interval", "00:00:00.500");
        var again = DemoRuleIds(await second.GraphQLAsync("admin", ActiveDemoRules));
        await second.UntilAsync(
            async () => (await second.GraphQLAsync("admin", "{ approvalRequests(where: { kind: GATE }) { totalCount } }")).At("data.approvalRequests.totalCount").GetValue<int>(),
            approvals => approvals > 0, TimeSpan.FromSeconds(60), _ => "The demo's MANUAL_APPROVAL rule opened no approval request.");

        Assert.Equal(3, seeded.Count);
        Assert.Equal(seeded, again);
        Assert.True(File.Exists(demoDatabase));
        Assert.False(File.Exists(second.DatabasePath), "The demo wrote into the configured database.");
    }

    [Fact]
    public void DemoSwitch_OnTheCommandLine_BecomesTheSetting()
    {
        Assert.Equal(["--urls", "http://x", "--Respond:Demo:Enabled=true"], DemoMode.ReadSwitch(["--urls", "http://x", "--demo"]));
        Assert.Equal(["--urls", "http://x"], DemoMode.ReadSwitch(["--urls", "http://x"]));
    }
}
