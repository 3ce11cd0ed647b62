using Respond.Server.Features.Demo;

namespace Respond.Server.Tests.Features.Demo;

public sealed class DemoModeTests
{
    [Fact]
    public async Task DemoEnabled_SeedsOrganizationsAndRules_AndAlertsApprovalsAndActionsFlowWithinAMinute()
    {
        await using var api = new RespondApiFixture().With("Respond:Demo:Enabled", "true").With("Respond:Demo:Interval", "00:00:00.500");
        const string query = "{ organizations { edges { node { id connectionStatus } } } rules(where: { status: ACTIVE }) { edges { node { outcome } } } alerts { totalCount } approvalRequests { totalCount } responseActions { totalCount } }";

        var until = DateTime.UtcNow.AddSeconds(60);
        System.Text.Json.Nodes.JsonObject state;
        do
        {
            state = await api.GraphQLAsync("admin", query);
            if (state.At("data.alerts.totalCount").GetValue<int>() > 0 && state.At("data.approvalRequests.totalCount").GetValue<int>() > 0
                && state.At("data.responseActions.totalCount").GetValue<int>() > 0) break;
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < until);

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
        await Task.Delay(2000);

        var state = await api.GraphQLAsync("admin", "{ organizations { totalCount } rules { totalCount } alerts { totalCount } }");
        Assert.Equal(2, state.At("data.organizations.totalCount").GetValue<int>());
        Assert.Equal(0, state.At("data.rules.totalCount").GetValue<int>());
        Assert.Equal(0, state.At("data.alerts.totalCount").GetValue<int>());
    }

    [Fact]
    public void DemoSwitch_OnTheCommandLine_BecomesTheSetting()
    {
        Assert.Equal(["--urls", "http://x", "--Respond:Demo:Enabled=true"], DemoMode.ReadSwitch(["--urls", "http://x", "--demo"]));
        Assert.Equal(["--urls", "http://x"], DemoMode.ReadSwitch(["--urls", "http://x"]));
    }
}
