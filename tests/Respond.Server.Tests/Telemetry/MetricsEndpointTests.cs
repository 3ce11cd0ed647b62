using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Telemetry;

public sealed class MetricsEndpointTests
{
    /// <summary>Scrapes /metrics as a request from <paramref name="from"/> (TestServer requests carry no remote address of their own).</summary>
    private static async Task<(int Status, string Body)> ScrapeAsync(RespondApiFixture api, IPAddress? from, string path = "/metrics")
    {
        var context = await api.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = path;
            http.Connection.RemoteIpAddress = from;
        });
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    /// <summary>
    /// The sum of a Prometheus sample over the series whose labels contain every one of <paramref name="labels"/>
    /// (other hosts of this test process report on the same meter name, so tests compare before and after).
    /// </summary>
    private static double Sample(string scrape, string metric, params string[] labels) => scrape.Split('\n')
        .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
        .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
        .Sum(l => double.Parse(l[(l.IndexOf('}') is var brace and > 0 ? brace + 1 : metric.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    /// <summary>Respond's own series only, for assertion messages.</summary>
    private static string Own(string scrape) => string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("respond_", StringComparison.Ordinal)));

    [Fact]
    public async Task Scrape_AfterIngestingEventsAndRaisingAnAlert_CountsIngestedDuplicateRejectedAndAlerts()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        var (_, before) = await ScrapeAsync(api, IPAddress.Loopback);

        var process = new { id = "p-1", organizationId = "org-a", source = "edr", type = "process.started", severity = "HIGH", time = "2026-11-23T10:00:00Z", device = new { id = "d-1", hostname = "pc-1" } };
        var first = await api.PostEventsAsync("ingestor-a", [process, EngineScenario.Event("e-2"), new { id = "bad", organizationId = "org-a" }]);
        await api.PostEventsAsync("ingestor-a", [process]);
        var (status, after) = await ScrapeAsync(api, IPAddress.Loopback);

        Assert.Equal(200, status);
        Assert.Equal(2, first["accepted"]!.GetValue<int>());
        Assert.True(Sample(after, "respond_events_ingested_total") - Sample(before, "respond_events_ingested_total") >= 2, Own(after));
        Assert.True(Sample(after, "respond_events_duplicates_total") - Sample(before, "respond_events_duplicates_total") >= 1, Own(after));
        Assert.True(Sample(after, "respond_events_rejected_total") - Sample(before, "respond_events_rejected_total") >= 1, Own(after));
        Assert.True(Sample(after, "respond_alerts_raised_total", "severity=\"CRITICAL\"") - Sample(before, "respond_alerts_raised_total", "severity=\"CRITICAL\"") >= 1, Own(after));
        Assert.Contains("respond_evaluation_lag_events", after);
        Assert.Contains("respond_evaluation_lag_seconds", after);
    }

    [Fact]
    public async Task Scrape_AfterAnApprovedGateRanItsAction_CountsApprovalsActionsAndConnectorCalls()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        var (_, before) = await ScrapeAsync(api, IPAddress.Loopback);

        await api.PostEventsAsync("ingestor-a", [new { id = "mw-1", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-42" } }]);
        var requestId = (await api.GraphQLAsync("approver-a", "{ approvalRequests(where: { kind: GATE }) { edges { node { id } } } }")).Str("data.approvalRequests.edges.0.node.id");
        Assert.Empty((await api.DecideAsync("approver-a", requestId)).Errors("approveRequest"));
        var actionId = (await api.GraphQLAsync("admin", "{ responseActions { edges { node { id } } } }")).Str("data.responseActions.edges.0.node.id");
        await api.WaitForStatusAsync(actionId, "COMPLETED");
        var (_, after) = await ScrapeAsync(api, IPAddress.Loopback);

        double Delta(string metric, params string[] labels) => Sample(after, metric, labels) - Sample(before, metric, labels);
        Assert.True(Delta("respond_approvals_opened_total", "kind=\"GATE\"") >= 1, Own(after));
        Assert.True(Delta("respond_approvals_decided_total", "outcome=\"APPROVED\"") >= 1, Own(after));
        Assert.True(Delta("respond_actions_ended_total", "type=\"ISOLATE_DEVICE\"", "outcome=\"COMPLETED\"") >= 1, Own(after));
        Assert.True(Delta("respond_connector_duration_seconds_count", "connector=\"SIMULATED\"", "operation=\"execute\"") >= 1, Own(after));
    }

    [Fact]
    public async Task Scrape_FromOutsideTheAllowedNetworks_NotFound()
    {
        await using var api = new RespondApiFixture();

        var (remote, _) = await ScrapeAsync(api, IPAddress.Parse("203.0.113.9"));
        var (unknown, _) = await ScrapeAsync(api, null);
        var (loopback, body) = await ScrapeAsync(api, IPAddress.IPv6Loopback);

        Assert.Equal(404, remote);
        Assert.Equal(404, unknown);
        Assert.Equal(200, loopback);
        Assert.Contains("# TYPE", body);
    }

    [Fact]
    public async Task Scrape_FromAConfiguredNetworkAndPath_Answers()
    {
        await using var api = new RespondApiFixture()
            .With("Respond:Telemetry:MetricsPath", "/internal/metrics")
            .With("Respond:Telemetry:MetricsAllowedNetworks:0", "10.20.0.0/16");

        var (scraper, _) = await ScrapeAsync(api, IPAddress.Parse("10.20.3.4"), "/internal/metrics");
        var (neighbour, _) = await ScrapeAsync(api, IPAddress.Parse("10.30.3.4"), "/internal/metrics");
        var (loopback, _) = await ScrapeAsync(api, IPAddress.Loopback, "/internal/metrics");
        var (oldPath, _) = await ScrapeAsync(api, IPAddress.Loopback);

        Assert.Equal(200, scraper);
        Assert.Equal(404, neighbour);
        Assert.Equal(200, loopback);
        Assert.NotEqual(200, oldPath);
    }

    [Fact]
    public async Task Start_MetricsAllowedNetworkNotACidr_FailsNamingTheKey()
    {
        await using var api = new RespondApiFixture().With("Respond:Telemetry:MetricsAllowedNetworks:0", "ten.twenty");

        var error = Record.Exception(() => api.Server);

        Assert.NotNull(error);
        Assert.Contains("Respond:Telemetry:MetricsAllowedNetworks", error.ToString());
    }
}
