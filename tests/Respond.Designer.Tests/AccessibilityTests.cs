using System.Text.Json;
using Microsoft.Playwright;

namespace Respond.Designer.Tests;

/// <summary>
/// Issue 7's quality bar, measured: axe-core (the designer's dev dependency, injected into the page) finds no serious
/// or critical accessibility violation (nor a broken heading outline) on the main screens, in the light and the dark
/// theme; and the screens fit a laptop screen's width.
/// </summary>
public sealed class AccessibilityTests(DesignerServer server) : IClassFixture<DesignerServer>
{
    private static readonly string[] Screens = ["/connections", "/rules", "/rules/new", "/templates", "/alerts", "/approvals", "/actions", "/audit", "/settings"];

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task MainScreens_AxeCore_NoSeriousOrCriticalViolations(ColorScheme scheme)
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        await alice.Page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = scheme });
        var axe = Path.Combine(server.RepoRoot, "designer", "node_modules", "axe-core", "axe.min.js");
        var problems = new List<string>();

        foreach (var screen in Screens)
        {
            await alice.Page.GotoAsync(screen);
            await alice.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await alice.Page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = axe });
            var result = await alice.Page.EvaluateAsync<JsonElement>(
                "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order' || v.id === 'page-has-heading-one').map(v => v.id + ': ' + v.help + ' (' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')");
            problems.AddRange(result.EnumerateArray().Select(v => $"{screen} [{scheme}]: {v.GetString()}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData(1280, 720)]
    [InlineData(1366, 768)]
    public async Task MainScreens_OnALaptopScreen_FitTheWidthWithoutSidewaysScrolling(int width, int height)
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        await alice.Page.SetViewportSizeAsync(width, height);
        var overflowing = new List<string>();

        foreach (var screen in Screens)
        {
            await alice.Page.GotoAsync(screen);
            await alice.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var extra = await alice.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (extra > 0) overflowing.Add($"{screen}: {extra}px wider than {width}");
        }

        Assert.True(overflowing.Count == 0, string.Join("\n", overflowing));
    }
}
