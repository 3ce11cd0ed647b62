using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Respond.Designer.Tests;

/// <summary>
/// Issue 7's quality bar, measured: axe-core (the designer's dev dependency, injected into the page) finds no serious
/// or critical accessibility violation (nor a broken heading outline) on the main screens, in the light and the dark
/// theme; and the screens fit a laptop screen's width.
/// </summary>
public sealed class AccessibilityTests(DesignerServer server) : IClassFixture<DesignerServer>
{
    private static readonly string[] Screens = ["/connections", "/rules", "/rules/new", "/templates", "/alerts", "/approvals", "/actions", "/audit", "/settings", "/people", "/webhooks", "/integrations", "/notifications"];

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task MainScreens_AxeCore_NoSeriousOrCriticalViolations(ColorScheme scheme)
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        await alice.Page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
        // Evaluated through the DevTools protocol, not added as an inline <script>: the designer's CSP (rightly) refuses those.
        var axe = await File.ReadAllTextAsync(Path.Combine(server.RepoRoot, "designer", "node_modules", "axe-core", "axe.min.js"));
        var problems = new List<string>();

        foreach (var screen in Screens.Concat(await AlertScreensAsync(alice.Page)))
        {
            await alice.Page.GotoAsync(screen);
            await alice.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await alice.Page.EvaluateAsync(axe + "\n;undefined");
            var result = await alice.Page.EvaluateAsync<JsonElement>(
                "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order' || v.id === 'page-has-heading-one').map(v => v.id + ': ' + v.help + ' (' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')");
            problems.AddRange(result.EnumerateArray().Select(v => $"{screen} [{scheme}]: {v.GetString()}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        alice.AssertNoConsoleErrors();
    }

    /// <summary>An alert's detail and its rule's run history, from a rule that raises one (created once per server).</summary>
    private async Task<string[]> AlertScreensAsync(IPage page)
    {
        var rules = await server.GraphQLAsync("query { rules(where: { text: \"A11y burst\" }) { edges { node { id } } } }");
        var ruleId = rules["rules"]!["edges"]!.AsArray().FirstOrDefault()?["node"]!["id"]!.GetValue<string>();
        if (ruleId is null)
        {
            await server.EnsureRespondOnAndConnectedAsync(); // rules evaluate events once Respond is on
            ruleId = await server.CreateActiveRuleAsync("A11y burst", "ALERT_ONLY", """
                { "schemaVersion": 1, "nodes": [
                  { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.a11y"] } },
                  { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 2, "window": "PT10M" } },
                  { "id": "alert", "type": "alert.create", "config": { "title": "A11y burst for {{user.name}}", "severity": "HIGH" } } ],
                  "edges": [ { "from": "trigger", "to": "burst" }, { "from": "burst", "to": "alert", "port": "true" } ] }
                """);
            await server.IngestAsync("signin.a11y", 2);
        }
        await page.GotoAsync("/alerts");
        var link = page.Locator("tr[data-alert]").Filter(new() { HasText = "A11y burst" }).First.GetByRole(AriaRole.Link).First;
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return [(await link.GetAttributeAsync("href"))!, $"/rules/{ruleId}/runs"];
    }

    [Fact]
    public async Task RuleEditor_KeyboardOnly_AddsBlocksConnectsTheirPortsAndSaves()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/rules/new");
        async Task Press(ILocator target, string key = "Enter")
        {
            await target.FocusAsync();
            await page.Keyboard.PressAsync(key);
        }

        await Press(page.Locator(".palette-item[data-block='trigger.event']"));
        await Press(page.Locator(".palette-item[data-block='condition.threshold']"));
        await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(2);
        await Press(page.Locator(".react-flow__node[data-id='event']"));
        var settings = page.GetByRole(AriaRole.Complementary, new() { Name = "Settings" });
        await Expect(settings.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Event");
        await settings.GetByLabel("Connect next to").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown"); // the first block offered: the threshold
        await Press(settings.GetByRole(AriaRole.Button, new() { Name = "Connect", Exact = true }));
        await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(1);
        await Expect(settings.Locator("[data-port='next']")).ToContainTextAsync("threshold");

        await Press(page.GetByLabel("Rule name"), "Control+a");
        await page.Keyboard.TypeAsync("Typed, not clicked");
        await page.Keyboard.PressAsync("Control+s");

        await Expect(page.GetByTestId("toast").First).ToContainTextAsync("Saved");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/rules/rule-"));
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var rule = (await server.GraphQLAsync("query($id: ID!) { rule(id: $id) { name definition } }", new { id }))["rule"]!;
        Assert.Equal("Typed, not clicked", rule["name"]!.GetValue<string>());
        var edge = rule["definition"]!["edges"]!.AsArray().Single()!;
        Assert.Equal(("event", "threshold"), (edge["from"]!.GetValue<string>(), edge["to"]!.GetValue<string>()));
        alice.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(1366, 768)]
    [InlineData(1024, 768)]
    public async Task MainScreens_OnALaptopScreen_FitTheWidthWithoutSidewaysScrolling(int width, int height)
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        await alice.Page.SetViewportSizeAsync(width, height);
        var overflowing = new List<string>();

        foreach (var screen in Screens.Concat(await AlertScreensAsync(alice.Page)))
        {
            await alice.Page.GotoAsync(screen);
            await alice.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var extra = await alice.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (extra > 0) overflowing.Add($"{screen}: {extra}px wider than {width}");
        }

        Assert.True(overflowing.Count == 0, string.Join("\n", overflowing));
    }
}
