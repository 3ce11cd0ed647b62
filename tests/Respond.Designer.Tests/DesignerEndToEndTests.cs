using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Respond.Designer.Tests;

/// <summary>Issue 7's acceptance walk-through in Debian's Chromium against the real server.</summary>
public sealed class DesignerEndToEndTests(DesignerServer server) : IClassFixture<DesignerServer>
{
    [Fact]
    public async Task SignIn_TurnOnRespond_ConnectOrganizationWithSimulatedConnector()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;

        var settings = await server.GraphQLAsync("{ respondSettings { enabled } }");
        if (!settings["respondSettings"]!["enabled"]!.GetValue<bool>())
        {
            await page.GotoAsync("/turn-on");
            var turnOn = page.GetByRole(AriaRole.Button, new() { Name = "Turn On Respond" });
            await Expect(turnOn).ToBeDisabledAsync();
            await alice.ScreenshotAsync("turn-on");
            foreach (var box in await page.Locator("input[data-term]").AllAsync()) await box.CheckAsync();
            await turnOn.ClickAsync();
            await Expect(page.GetByTestId("toast").First).ToContainTextAsync("Respond is on");
        }

        await page.GotoAsync("/connections");
        var row = page.Locator("tr[data-org='contoso']");
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Connect|Edit connection") }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Connector").SelectOptionAsync("SIMULATED");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Connect and test" }).ClickAsync();
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "HEALTHY");
        await Expect(row.Locator("[data-simulated]")).ToHaveTextAsync("Simulated");
        await alice.ScreenshotAsync("manage-connections");
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task BuildRule_ByDragAndDrop_FixValidationError_SaveTestWithPathHighlighted_Activate()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/rules");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Rule" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/rules/new$"));
        var canvas = page.GetByTestId("canvas");
        await Expect(canvas).ToBeVisibleAsync();

        var box = (await canvas.BoundingBoxAsync())!;
        async Task Drop(string block, float x, float y)
        {
            // A real HTML5 drag: press on the palette item, move across in steps, release over the canvas.
            await page.Locator($".palette-item[data-block='{block}']").HoverAsync();
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + x / 2, box.Y + y, new() { Steps = 5 });
            await page.Mouse.MoveAsync(box.X + x, box.Y + y, new() { Steps = 5 });
            await page.Mouse.UpAsync();
        }
        await Drop("trigger.event", 130, 110);
        await Drop("condition.threshold", 420, 110);
        await Drop("gate.approval", 130, 360);
        await Drop("action.isolateDevice", 420, 360);
        await Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(4);

        async Task Connect(string from, string port, string to) =>
            await page.Locator($".react-flow__handle.source[data-nodeid='{from}'][data-handleid='{port}']")
                .DragToAsync(page.Locator($".react-flow__handle.target[data-nodeid='{to}']"));
        await Connect("event", "next", "threshold");
        await Connect("threshold", "true", "approval");
        await Connect("approval", "approved", "isolateDevice");
        await Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(3);

        await page.GetByTestId("node-event").ClickAsync();
        await page.GetByLabel("Add to Event types").FillAsync("signin.failed");
        await page.GetByLabel("Add to Event types").PressAsync("Enter");

        // The threshold has no count yet: the node and the field both say so.
        await page.GetByTestId("node-threshold").ClickAsync();
        await Expect(page.GetByTestId("errors-threshold")).ToContainTextAsync("count is required");
        await Expect(page.GetByTestId("field-error-count")).ToBeVisibleAsync();
        await alice.ScreenshotAsync("rule-editor-validation");
        await page.Locator("#cfg-threshold-count").FillAsync("3");
        await page.Locator("#cfg-threshold-window").FillAsync("10");
        await page.GetByLabel("Add to Group by").FillAsync("user.id");
        await page.GetByLabel("Add to Group by").PressAsync("Enter");
        await Expect(page.GetByTestId("errors-threshold")).ToHaveCountAsync(0);

        await page.Locator(".react-flow__pane").ClickAsync(new() { Position = new() { X = 600, Y = 620 } });
        await page.GetByLabel("Rule name").FillAsync("Brute force: isolate the device");
        await page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("Manual approval") }).CheckAsync();
        await Expect(page.GetByTestId("no-problems")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/rules/rule-"));
        await Expect(page.GetByTestId("toast").First).ToContainTextAsync("Saved");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run test" }).ClickAsync();
        await Expect(page.GetByTestId("path-threshold")).ToContainTextAsync("true");
        await Expect(page.GetByTestId("path-approval")).ToBeVisibleAsync();
        await Expect(page.Locator(".react-flow__edge.on-path")).ToHaveCountAsync(2);
        await alice.ScreenshotAsync("rule-editor-test-path");

        await page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Expect(page.Locator(".editor-bar [data-status]")).ToHaveAttributeAsync("data-status", "ACTIVE");
        await page.GotoAsync("/rules");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Brute force: isolate the device" })).ToBeVisibleAsync();
        await alice.ScreenshotAsync("rules");
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task DuplicateCommunityTemplate_OpensTheNewDraftRule()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/templates");
        var card = page.Locator("article[data-template='brute-force-burst']");
        await alice.ScreenshotAsync("community-templates");
        await card.GetByRole(AriaRole.Button, new() { Name = "View" }).ClickAsync();
        await Expect(page.Locator(".react-flow__node")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByText("Template · read-only")).ToBeVisibleAsync();
        await alice.ScreenshotAsync("template-view");
        await page.GetByRole(AriaRole.Button, new() { Name = "Duplicate" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/rules/rule-"));
        await Expect(page.GetByTestId("toast").First).ToContainTextAsync("(copy)” from the template"); // its own name, not the template's
        await Expect(page.Locator(".editor-bar [data-status]")).ToHaveAttributeAsync("data-status", "DRAFT");
        await Expect(page.Locator(".react-flow__node")).Not.ToHaveCountAsync(0);
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task IngestedEvents_ApprovalRequestAppearsLiveForSecondApprover_WhoApprovesIt()
    {
        await server.EnsureRespondOnAndConnectedAsync();
        var ruleId = await CreateActiveGateRuleAsync("signin.e2e-live");
        await using var bob = await DesignerSession.SignInAsync(server, "bob", "bob-password");
        await bob.Page.GotoAsync("/approvals");
        await Expect(bob.Page.Locator("[data-live='true']")).ToBeVisibleAsync(); // listening before the events arrive
        await Expect(bob.Page.GetByText("Nothing waiting for approval").Or(bob.Page.Locator("article[data-approval]").First)).ToBeVisibleAsync();
        var before = await bob.Page.Locator("article[data-approval]").CountAsync();

        await server.IngestAsync("signin.e2e-live", 2);

        var card = bob.Page.Locator("article[data-approval]").Filter(new() { HasText = "E2E signin.e2e-live" }); // the rule by its name
        await Expect(card).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        Assert.True(await bob.Page.Locator("article[data-approval]").CountAsync() > before);
        await Expect(card).ToContainTextAsync("Isolate device");
        await Expect(card).ToContainTextAsync("Expires in");
        await bob.ScreenshotAsync("approvals-inbox");
        await card.GetByLabel("Comment").FillAsync("confirmed with the user");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(bob.Page.GetByTestId("toast").First).ToContainTextAsync("Approved");
        var decided = await server.GraphQLAsync("query($r: ID) { approvalRequests(where: { ruleId: $r }) { edges { node { status decidedBy comment } } } }", new { r = ruleId });
        Assert.Equal("APPROVED", decided["approvalRequests"]!["edges"]![0]!["node"]!["status"]!.GetValue<string>());
        bob.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ApprovedAction_TimelineReachesCompleted_AndOwnManualRequestCannotBeApproved()
    {
        await server.EnsureRespondOnAndConnectedAsync();
        await CreateActiveGateRuleAsync("signin.e2e-complete");
        await using var bob = await DesignerSession.SignInAsync(server, "bob", "bob-password");
        await bob.Page.GotoAsync("/approvals");
        await Expect(bob.Page.Locator("[data-live='true']")).ToBeVisibleAsync(); // listening before the events arrive
        await server.IngestAsync("signin.e2e-complete", 2);
        var card = bob.Page.Locator("article[data-approval]").Filter(new() { HasText = "E2E signin.e2e-complete" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(bob.Page.GetByTestId("toast").First).ToContainTextAsync("Approved");

        await bob.Page.GotoAsync("/actions");
        await bob.Page.Locator("tr[data-action]").First.ClickAsync();
        await Expect(bob.Page.GetByTestId("timeline").Locator("li[data-status='COMPLETED']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await bob.ScreenshotAsync("response-action-timeline");

        // Bob's own manual request: dual control keeps him from deciding it.
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Submit action" }).ClickAsync();
        var dialog = bob.Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Organization").SelectOptionAsync("contoso");
        await dialog.GetByLabel("Action").SelectOptionAsync("ISOLATE_DEVICE");
        // Devices can be picked: the one the approved action isolated is offered.
        var picker = dialog.GetByRole(AriaRole.Group, new() { Name = "Devices (enrolled or acted on before)" });
        await picker.GetByLabel("dev-e2e", new() { Exact = true }).CheckAsync();
        await Expect(dialog.GetByLabel(new Regex("^Targets"))).ToHaveValueAsync("dev-e2e");
        await dialog.GetByLabel(new Regex("^Targets")).FillAsync("dev-e2e-manual");
        await dialog.GetByLabel("Justification").FillAsync("suspicious beaconing");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Submit") }).ClickAsync();
        await Expect(bob.Page.GetByTestId("toast").Filter(new() { HasText = "waiting for another approver" })).ToBeVisibleAsync();
        await bob.Page.GotoAsync("/approvals");
        await Expect(bob.Page.GetByTestId("own-request").First).ToContainTextAsync("someone else must decide");
        bob.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task EndpointAgentOrganization_DeviceEnrolsWithTheTokenShownOnce_ThenItsAgentIsRevoked()
    {
        await server.GraphQLAsync("mutation { createOrganization(input: { id: \"fabrikam\", name: \"Fabrikam\" }) { errors { code } } }");
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/connections");
        var row = page.Locator("tr[data-org='fabrikam']");
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Connect|Edit connection") }).ClickAsync();
        var connect = page.GetByRole(AriaRole.Dialog);
        await connect.GetByLabel("Connector").SelectOptionAsync("ENDPOINT_AGENT");
        await connect.GetByLabel("Command timeout (s)").FillAsync("20");
        await connect.GetByRole(AriaRole.Button, new() { Name = "Connect and test" }).ClickAsync();
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "NEEDS_ATTENTION");

        await row.GetByRole(AriaRole.Button, new() { Name = "Agents" }).ClickAsync();
        var agents = page.GetByRole(AriaRole.Dialog, new() { Name = "Endpoint agents of Fabrikam" });
        await Expect(agents.GetByText("No agent has enrolled")).ToBeVisibleAsync();
        await agents.GetByRole(AriaRole.Button, new() { Name = "Create enrolment token" }).ClickAsync();
        var token = (await agents.GetByTestId("issued-token").Locator("code").First.TextContentAsync())!.Trim();
        using (var http = new HttpClient())
        {
            var enrolled = await http.PostAsJsonAsync($"{server.BaseUrl}/api/agents/enroll", new { token, deviceId = "fab-ws-01", hostname = "fab-ws-01.fabrikam.test", os = "Linux" });
            Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        await agents.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Agents" }).ClickAsync();
        var device = agents.Locator("tr[data-agent='fab-ws-01']");
        await Expect(device).ToContainTextAsync("fab-ws-01.fabrikam.test");
        await alice.ScreenshotAsync("endpoint-agents");

        await device.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke the agent of fab-ws-01?" });
        await confirm.GetByLabel("Reason").FillAsync("laptop reported stolen");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke agent" }).ClickAsync();
        await Expect(device).ToContainTextAsync("Revoked");
        var stored = await server.GraphQLAsync("{ agents(organizationId: \"fabrikam\") { deviceId revokedBy revokedReason } }");
        Assert.Equal("laptop reported stolen", stored["agents"]![0]!["revokedReason"]!.GetValue<string>());
        Assert.StartsWith("user-", stored["agents"]![0]!["revokedBy"]!.GetValue<string>());
        alice.AssertNoConsoleErrors();
    }


    private Task<string> CreateActiveGateRuleAsync(string eventType) => server.CreateActiveRuleAsync($"E2E {eventType}", "MANUAL_APPROVAL", $$"""
        { "schemaVersion": 1, "nodes": [
          { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["{{eventType}}"] } },
          { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 2, "window": "PT10M" } },
          { "id": "gate", "type": "gate.approval", "config": { "timeout": "PT1H" } },
          { "id": "isolate", "type": "action.isolateDevice", "config": {} } ],
          "edges": [ { "from": "trigger", "to": "burst" }, { "from": "burst", "to": "gate", "port": "true" }, { "from": "gate", "to": "isolate", "port": "approved" } ] }
        """);

    [Fact]
    public async Task ApiExplorer_UnderTheContentSecurityPolicy_RendersGraphiQLAndReachesTheApi_WithoutViolations()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (violations) violations.Add(m.Text); };

        var response = await page.GotoAsync("/explorer");
        await Expect(page.Locator(".graphiql-container")).ToBeVisibleAsync();
        await Expect(page.Locator(".graphiql-query-editor")).ToContainTextAsync("viewer");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Execute query", RegexOptions.IgnoreCase) }).First.ClickAsync();
        await Expect(page.Locator(".result-window")).ToContainTextAsync(new Regex("\"(data|errors)\""));

        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self';", headers["content-security-policy"]);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"]);
        lock (violations) Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join('\n', violations));
    }

    /// <summary>Issue 15: GraphiQL loads the schema by the standard introspection query, so its Docs list the Query fields.</summary>
    [Fact]
    public async Task ApiExplorer_DocsPanel_ListsTheQueryFields()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;

        await page.GotoAsync("/explorer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show Documentation Explorer" }).ClickAsync();
        var docs = page.GetByRole(AriaRole.Region, new() { Name = "Documentation Explorer" });
        await docs.Locator("a.graphiql-doc-explorer-type-name", new() { HasTextString = "Query" }).First.ClickAsync();

        var fields = docs.Locator(".graphiql-doc-explorer-field-name");
        await Expect(fields.Filter(new() { HasTextRegex = new Regex("^viewer$") })).ToHaveCountAsync(1);
        await Expect(fields.Filter(new() { HasTextRegex = new Regex("^rules$") })).ToHaveCountAsync(1);
        await Expect(fields.Filter(new() { HasTextRegex = new Regex("^approvalRequests$") })).ToHaveCountAsync(1);
        await Expect(docs).Not.ToContainTextAsync("Error fetching schema");
        alice.AssertNoConsoleErrors();
    }
}
