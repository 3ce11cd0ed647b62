using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Respond.Designer.Tests;

/// <summary>
/// Issue 14's canvas: on a laptop screen a five-block rule stays readable after auto-layout (zoom never below 75 %,
/// port labels beside the blocks, never over their text), and leaving a rule with unsaved edits asks first.
/// </summary>
public sealed class RuleEditorCanvasTests(DesignerServer server) : IClassFixture<DesignerServer>
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1024, 768)]
    public async Task FiveBlockRule_AfterAutoLayout_ZoomIsReadableAndNoPortLabelOverlapsBlockText(int width, int height)
    {
        var id = await CreateFiveBlockRuleAsync($"Readable canvas {width}");
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync($"/rules/{id}");
        await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(5);

        await page.GetByRole(AriaRole.Button, new() { Name = "Auto-layout" }).ClickAsync();
        // Laid out top to bottom, and fitted: the trigger (first rank) is inside the canvas.
        await page.WaitForFunctionAsync("""
            () => {
              const box = (id) => document.querySelector(`[data-testid=node-${id}]`).getBoundingClientRect();
              const canvas = document.querySelector('[data-testid=canvas]').getBoundingClientRect();
              const ids = ['trigger', 'burst', 'alert', 'gate', 'block'];
              const tops = ids.map((id) => box(id).top);
              return tops.every((t, i) => i === 0 || t > tops[i - 1]) && box('trigger').top >= canvas.top && box('trigger').bottom <= canvas.bottom;
            }
            """);

        var zoom = await page.EvaluateAsync<double>("() => new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a");
        Assert.True(zoom >= 0.75, $"zoom {zoom:F2} at {width}x{height}");

        var overlaps = await page.EvaluateAsync<JsonElement>("""
            () => {
              const text = [...document.querySelectorAll('.react-flow__node .block-head, .react-flow__node .block-title, .react-flow__node .block-summary')]
                .map((e) => ({ name: e.closest('[data-testid]').dataset.testid + ' ' + e.className, r: e.getBoundingClientRect() }));
              const labels = [...document.querySelectorAll('.port-label')].map((e) => ({ name: e.dataset.port, r: e.getBoundingClientRect() }));
              const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
              return { labels: labels.length, overlaps: labels.flatMap((l) => text.filter((t) => hit(l.r, t.r)).map((t) => `${l.name} over ${t.name}`)) };
            }
            """);
        Assert.Equal(7, overlaps.GetProperty("labels").GetInt32()); // threshold 2, gate 3, action 2
        Assert.Empty(overlaps.GetProperty("overlaps").EnumerateArray().Select(o => o.GetString()));
        if (width == 1366) await alice.ScreenshotAsync("rule-editor-readable");
        alice.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1024, 768)]
    public async Task EditedRule_LeavingThroughTheNavigation_AsksFirstAndStaysWhenDeclined(int width, int height)
    {
        var id = await CreateFiveBlockRuleAsync("Unsaved edits");
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password", new ViewportSize { Width = width, Height = height });
        var page = alice.Page;
        await page.GotoAsync($"/rules/{id}");
        // Below 1280 px the settings panel starts collapsed, leaving the canvas the room.
        if (width < 1280) await page.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await page.GetByLabel("Rule name").FillAsync("Unsaved edits, renamed");
        await Expect(page.GetByText("Unsaved changes")).ToBeVisibleAsync();

        var asked = new List<string>();
        async void Decline(object? _, IDialog d) { asked.Add(d.Message); await d.DismissAsync(); }
        page.Dialog += Decline;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await Expect(page.GetByLabel("Rule name")).ToHaveValueAsync("Unsaved edits, renamed");
        Assert.EndsWith($"/rules/{id}", page.Url);
        Assert.Contains("unsaved changes", Assert.Single(asked));
        page.Dialog -= Decline;

        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/alerts$"));
        alice.AssertNoConsoleErrors();
    }

    private async Task<string> CreateFiveBlockRuleAsync(string name)
    {
        // docs/rule-format.md's example, drawn left to right as it was stored before auto-layout existed.
        var definition = JsonNode.Parse("""
            { "schemaVersion": 1, "nodes": [
              { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"], "minSeverity": "LOW" }, "position": { "x": 0, "y": 0 } },
              { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" }, "position": { "x": 280, "y": 0 } },
              { "id": "alert", "type": "alert.create", "config": { "title": "Burst of failed sign-ins for {{user.name}}", "severity": "HIGH" }, "position": { "x": 560, "y": 0 } },
              { "id": "gate", "type": "gate.approval", "config": { "timeout": "PT1H" }, "position": { "x": 840, "y": 0 } },
              { "id": "block", "type": "action.blockSignIn", "config": {}, "position": { "x": 1120, "y": 0 } } ],
              "edges": [ { "from": "trigger", "to": "burst" }, { "from": "burst", "to": "alert", "port": "true" },
                         { "from": "alert", "to": "gate" }, { "from": "gate", "to": "block", "port": "approved" } ] }
            """);
        var created = await server.GraphQLAsync("mutation($d: JSON!, $n: String!) { createRule(input: { name: $n, outcome: MANUAL_APPROVAL, definition: $d }) { rule { id } errors { message } } }",
            new { d = definition, n = name });
        return created["createRule"]!["rule"]!["id"]!.GetValue<string>();
    }
}
