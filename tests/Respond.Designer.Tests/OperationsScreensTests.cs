using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Respond.Designer.Tests;

/// <summary>
/// Issue 14's operations screens against the real server in Debian's Chromium, on a 1366x768 and a 1024x768 laptop
/// screen (each width its own server, one after the other): an alert's evidence and the rule's run history, the
/// approvals inbox at volume (paging with totals, expiry order, bulk decisions under dual control, groups of identical
/// proposals, people by name), people (an admin adds an approver who lands on Approvals, resets a password, disables a
/// user; API client secrets shown once) and the audit trail (actors by name, the server's export).
/// </summary>
public abstract class OperationsScreensTests(DesignerServer server, int width, int height)
{
    [Collection("Operations screens")]
    public sealed class At1366x768(DesignerServer server) : OperationsScreensTests(server, 1366, 768), IClassFixture<DesignerServer>;

    [Collection("Operations screens")]
    public sealed class At1024x768(DesignerServer server) : OperationsScreensTests(server, 1024, 768), IClassFixture<DesignerServer>;

    private Task<DesignerSession> SignInAsync(string user, string password) =>
        DesignerSession.SignInAsync(server, user, password, new ViewportSize { Width = width, Height = height });

    /// <summary>The docs' screenshots are those of the wider laptop screen.</summary>
    private async Task ScreenshotAsync(DesignerSession session, string name)
    {
        if (width == 1366) await session.ScreenshotAsync(name);
    }

    [Fact]
    public async Task AlertFromThresholdRule_DetailShowsEveryContributingEventAndThePathWithComparedValues_RunHistoryListsTheRuns()
    {
        await server.EnsureRespondOnAndConnectedAsync(); // rules evaluate events once Respond is on
        var ruleId = await server.CreateActiveRuleAsync("E2E burst of failed sign-ins", "ALERT_ONLY", """
            { "schemaVersion": 1, "nodes": [
              { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.e2e-detail"] } },
              { "id": "match", "type": "condition.match", "config": { "all": [ { "field": "user.name", "op": "eq", "value": "E2E User" } ] } },
              { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" } },
              { "id": "alert", "type": "alert.create", "config": { "title": "Burst for {{user.name}}", "severity": "HIGH" } } ],
              "edges": [ { "from": "trigger", "to": "match" }, { "from": "match", "to": "burst", "port": "true" }, { "from": "burst", "to": "alert", "port": "true" } ] }
            """);
        await server.IngestAsync("signin.e2e-detail", 5);

        await using var alice = await SignInAsync("alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/alerts");
        var row = page.Locator("tr[data-alert]").Filter(new() { HasText = "E2E burst of failed sign-ins" });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(row).ToContainTextAsync("Contoso"); // the organization's name, not its id
        await Expect(page.GetByTestId("page-range")).ToContainTextAsync(new Regex(@"^1–\d+ of \d+$"));
        await row.GetByRole(AriaRole.Link, new() { Name = "Burst for E2E User" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/alerts/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Burst for E2E User");
        await Expect(page.Locator("tr[data-event]")).ToHaveCountAsync(5);
        await Expect(page.Locator("section[aria-labelledby='alert-events']").GetByTestId("page-range")).ToHaveTextAsync("1–5 of 5");
        await Expect(page.GetByTestId("status-history")).ToContainTextAsync("New");
        var path = page.GetByTestId("run-path");
        await Expect(path.Locator("[data-step='match']")).ToContainTextAsync("user.name = E2E User: was E2E User (true)");
        await Expect(path.Locator("[data-step='burst']")).ToContainTextAsync("Required5");
        await Expect(path.Locator("[data-step='alert']")).ToBeVisibleAsync();
        await ScreenshotAsync(alice, "alert-detail");

        await page.GetByRole(AriaRole.Link, new() { Name = "Run history" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/rules/{ruleId}/runs$"));
        // The evaluator keeps the runs that did something (here the one that raised the alert): the screen lists all it keeps.
        var kept = (await server.GraphQLAsync("query($r: ID) { ruleExecutions(where: { ruleId: $r }) { totalCount } }", new { r = ruleId }))["ruleExecutions"]!["totalCount"]!.GetValue<int>();
        Assert.True(kept >= 1);
        await Expect(page.Locator("tr[data-run]")).ToHaveCountAsync(kept);
        await Expect(page.GetByTestId("page-range")).ToHaveTextAsync($"1–{kept} of {kept}");
        await page.Locator("tr[data-run]").First.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("tr[data-run]").First.GetByTestId("run-path")).ToBeVisibleAsync();
        await ScreenshotAsync(alice, "rule-run-history");
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Approvals250Pending_PageAndTotal_SortByExpiry_BulkApproveDecidesOnlyOthersRequests()
    {
        await server.EnsureRespondOnAndConnectedAsync();
        await using var bob = await SignInAsync("bob", "bob-password");
        var page = bob.Page;
        await Expect(page).ToHaveURLAsync(new Regex("/approvals$")); // an approver lands on Approvals

        // Bob's own request first (it expires soonest), then 249 proposed by the API client: 250 pending.
        var bobToken = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('respond.tokens')).accessToken");
        var own = await server.GraphQLAsAsync(bobToken, """
            mutation { submitResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, target: { deviceId: "own-dev" }, justification: "bob's own" }) { approvalRequest { id } errors { message } } }
            """);
        var ownId = own["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();
        var targets = Enumerable.Range(0, 249).Select(i => new { deviceId = $"bulk-dev-{i:000}" }).ToArray();
        var bulk = await server.GraphQLAsync("""
            mutation($t: [ResponseActionTargetInput!]!) { submitBulkResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, targets: $t, justification: "e2e volume" }) { errors { message } } }
            """, new { t = targets });
        Assert.Empty(bulk["submitBulkResponseAction"]!["errors"]!.AsArray());
        Assert.Equal(250, await PendingCountAsync());

        await page.ReloadAsync();
        var range = page.GetByTestId("page-range");
        await Expect(range).ToHaveTextAsync("1–100 of 250");
        var cards = page.Locator("article[data-approval]");
        await Expect(cards).ToHaveCountAsync(100);
        var firstPage = await ExpiriesAsync(page);
        Assert.Equal(firstPage.Order(), firstPage); // soonest expiry first
        await Expect(cards.First).ToHaveAttributeAsync("data-approval", ownId);
        await Expect(cards.First.GetByTestId("own-request")).ToContainTextAsync("someone else must decide");
        await Expect(cards.Nth(1).GetByTestId("reason")).Not.ToBeEmptyAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(range).ToHaveTextAsync("101–200 of 250");
        var secondPage = await ExpiriesAsync(page);
        Assert.True(secondPage.Min() >= firstPage.Max(), "the second page expires after the first");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(range).ToHaveTextAsync("201–250 of 250");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next" })).ToBeDisabledAsync();

        await page.GetByLabel("Order").SelectOptionAsync("NEWEST");
        await Expect(range).ToHaveTextAsync("1–100 of 250"); // a new order starts at the first page
        var created = await cards.EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.created)");
        Assert.Equal(created.Select(DateTimeOffset.Parse).OrderDescending(), created.Select(DateTimeOffset.Parse));
        await page.GetByLabel("Order").SelectOptionAsync("EXPIRES_SOONEST");
        await Expect(cards.First).ToHaveAttributeAsync("data-approval", ownId);

        await page.GetByRole(AriaRole.Button, new() { Name = "Select all pending on this page" }).ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("100 selected");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve selected" }).ClickAsync();
        await Expect(page.GetByTestId("field-error-justification")).ToContainTextAsync("justification"); // the server's refusal, on its field
        await page.GetByLabel("Justification for all selected").FillAsync("confirmed campaign, isolate all");
        await ScreenshotAsync(bob, "approvals-at-volume");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve selected" }).ClickAsync();
        // 99 decisions, each dispatching its action: the answer may take a while on a busy machine.
        var toast = page.GetByTestId("toast").Filter(new() { HasText = "Approved 99 requests" });
        await Expect(toast).ToContainTextAsync("Skipped 1 request", new() { Timeout = 120_000 });
        await Expect(range).ToHaveTextAsync("1–100 of 151");

        var ownNow = await server.GraphQLAsync("query { approvalRequests(first: 1, where: { status: PENDING, text: \"own-dev\" }) { totalCount edges { node { id status } } } }");
        Assert.Equal(ownId, ownNow["approvalRequests"]!["edges"]![0]!["node"]!["id"]!.GetValue<string>());
        Assert.Equal(151, await PendingCountAsync());
        var approved = await server.GraphQLAsync("query { approvalRequests(first: 1, where: { status: APPROVED, text: \"bulk-dev\" }) { totalCount } }");
        Assert.Equal(99, approved["approvalRequests"]!["totalCount"]!.GetValue<int>());
        bob.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AdminCreatesApprover_WhoSignsInAndLandsOnApprovals_ApiClientSecretShownOnceRotatedAndRevoked()
    {
        await using var alice = await SignInAsync("alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/people");
        await Expect(page.Locator("tr[data-user='bob']")).ToContainTextAsync("Approver");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add person" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Add person" });
        await dialog.GetByLabel("User name").FillAsync("carol");
        await dialog.GetByLabel("Initial password").FillAsync("short");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Contoso" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.Locator(".field-error")).ToContainTextAsync("password must be"); // on the password field
        await dialog.GetByLabel("Initial password").FillAsync("carol-password-2026");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByTestId("toast").Filter(new() { HasText = "carol can sign in now" })).ToBeVisibleAsync();
        var carolRow = page.Locator("tr[data-user='carol']");
        await Expect(carolRow).ToContainTextAsync("Approver");
        await Expect(carolRow).ToContainTextAsync("Contoso");
        await ScreenshotAsync(alice, "people");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add API client" }).ClickAsync();
        var clientDialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Add API client" });
        await clientDialog.GetByLabel("Client id").FillAsync("siem-forwarder");
        await clientDialog.GetByRole(AriaRole.Checkbox, new() { Name = "Contoso" }).CheckAsync();
        await clientDialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secretDialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Secret of siem-forwarder" });
        var secret = (await secretDialog.GetByTestId("issued-secret").TextContentAsync())!.Trim();
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync("siem-forwarder", secret));
        await secretDialog.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        var clientRow = page.Locator("tr[data-client='siem-forwarder']");
        await Expect(clientRow).ToContainTextAsync("Ingestor");

        await clientRow.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate the secret of siem-forwarder?" }).GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var rotated = (await secretDialog.GetByTestId("issued-secret").TextContentAsync())!.Trim();
        Assert.NotEqual(secret, rotated);
        Assert.NotEqual(HttpStatusCode.OK, await TokenStatusAsync("siem-forwarder", secret));
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync("siem-forwarder", rotated));
        await secretDialog.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await clientRow.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke siem-forwarder?" }).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(clientRow).ToContainTextAsync("Revoked");
        Assert.NotEqual(HttpStatusCode.OK, await TokenStatusAsync("siem-forwarder", rotated));
        alice.AssertNoConsoleErrors();

        await using var carol = await SignInAsync("carol", "carol-password-2026");
        await Expect(carol.Page).ToHaveURLAsync(new Regex("/approvals$"));
        await Expect(carol.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Approvals");
        await Expect(carol.Page.GetByRole(AriaRole.Link, new() { Name = "People" })).ToHaveCountAsync(0);
        carol.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AuditExportCsv_IsTheServersExportOfEveryMatchingEntryWithItsHashes()
    {
        await using var alice = await SignInAsync("alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/audit");
        await Expect(page.Locator("table.data tbody tr").First).ToBeVisibleAsync();
        var total = (await server.GraphQLAsync("query { auditTrail(first: 1) { totalCount } }"))["auditTrail"]!["totalCount"]!.GetValue<int>();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        Assert.Matches(@"^respond-audit-\d{8}-\d{6}\.csv$", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,actorId,actorName,action,subjectType,subjectId,organizations,before,after,previousHash,hash", lines[0]);
        Assert.True(lines.Length - 1 >= total, $"{lines.Length - 1} rows exported, {total} entries stored"); // every entry, not the rows on screen
        Assert.Matches("[0-9a-f]{64}\"?$", lines[^1]); // each row ends with its hash
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task IdenticalPendingProposals_DecidedAsOneGroup_RequesterDeciderAndAuditActorShownByName()
    {
        await server.EnsureRespondOnAndConnectedAsync();
        var target = $"grp-dev-{width}";
        await using var alice = await SignInAsync("alice", "alice-password");
        var aliceToken = await alice.Page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('respond.tokens')).accessToken");
        for (var i = 0; i < 3; i++) // the same action on the same device, proposed three times
            await server.GraphQLAsAsync(aliceToken, $$"""
                mutation { submitResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, target: { deviceId: "{{target}}" }, justification: "seen thrice" }) { approvalRequest { id } errors { message } } }
                """);
        var ids = await UserIdsAsync();

        await using var bob = await SignInAsync("bob", "bob-password");
        var page = bob.Page;
        await page.GetByLabel("Search").FillAsync(target);
        await Expect(page.Locator("article[data-approval]")).ToHaveCountAsync(3);
        var card = page.Locator("article[data-approval]").First;
        await Expect(card).ToContainTextAsync("alice"); // the requester by name
        await Expect(card).Not.ToContainTextAsync(ids["alice"]);

        await page.GetByLabel("Group identical proposals").CheckAsync();
        var group = page.Locator("tr[data-group]");
        await Expect(group).ToHaveCountAsync(1);
        await Expect(group).ToContainTextAsync(target);
        await Expect(group.Locator("td").Nth(3)).ToHaveTextAsync("3"); // three requests in the one group
        await group.GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("3 selected");
        await page.GetByLabel("Justification for all selected").FillAsync("one device, one decision");
        await ScreenshotAsync(bob, "approvals-grouped");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve selected" }).ClickAsync();
        await Expect(page.GetByTestId("toast").Filter(new() { HasText = "Approved 3 requests." })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(group).ToHaveCountAsync(0); // no pending group left for that device

        await page.GetByLabel("Group identical proposals").UncheckAsync();
        await page.GetByLabel("Status").SelectOptionAsync("APPROVED");
        await Expect(page.Locator("article[data-approval]")).ToHaveCountAsync(3);
        await Expect(page.Locator("article[data-approval]").First).ToContainTextAsync("Decided by bob");
        await Expect(page.Locator("article[data-approval]").First).Not.ToContainTextAsync(ids["bob"]);
        bob.AssertNoConsoleErrors();

        await alice.Page.GotoAsync("/audit");
        await alice.Page.GetByLabel("Action starts with").FillAsync("approval.approved");
        var row = alice.Page.Locator("table.data tbody tr").First;
        await Expect(row).ToContainTextAsync("approval.approved");
        await Expect(row.Locator("td").Nth(1)).ToContainTextAsync("bob"); // the actor by name
        await Expect(row).Not.ToContainTextAsync(ids["bob"]);
        await Expect(row).ToContainTextAsync("Contoso"); // its organization by name
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AdminResetsAPassword_OldOneRefusedNewOneSignsIn_ThenDisablesTheUser_WhoCannotSignInAnyMore()
    {
        var dave = $"dave-{width}";
        var created = await server.GraphQLAsync("""
            mutation($u: String!) { createUser(input: { userName: $u, password: "dave-first-password", roles: ["Approver"], organizations: ["contoso"] }) { errors { message } } }
            """, new { u = dave });
        Assert.Empty(created["createUser"]!["errors"]!.AsArray());

        await using var alice = await SignInAsync("alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/people");
        var row = page.Locator($"tr[data-user='{dave}']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Reset the password of {dave}" });
        await dialog.GetByLabel("New password").FillAsync("dave-second-password");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await Expect(page.GetByTestId("toast").Filter(new() { HasText = $"Password of {dave} reset" })).ToBeVisibleAsync();

        Assert.Equal("The user name or password is not correct.", await SignInRefusalAsync(dave, "dave-first-password"));
        await using (var signedIn = await SignInAsync(dave, "dave-second-password"))
            await Expect(signedIn.Page).ToHaveURLAsync(new Regex("/approvals$"));

        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = $"Disable {dave}?" }).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Disabled");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Enable" })).ToBeVisibleAsync();
        // Refused as a wrong password is: the answer never says which accounts are disabled.
        Assert.Equal("The user name or password is not correct.", await SignInRefusalAsync(dave, "dave-second-password"));
        alice.AssertNoConsoleErrors();
    }

    /// <summary>Signs in through the login page expecting a refusal; returns what the page says.</summary>
    private async Task<string> SignInRefusalAsync(string user, string password)
    {
        await using var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync(new Regex("/login"));
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var error = page.Locator("#login-error");
        await Expect(error).ToBeVisibleAsync();
        return (await error.TextContentAsync())!.Trim();
    }

    private async Task<Dictionary<string, string>> UserIdsAsync() =>
        (await server.GraphQLAsync("query { users { id userName } }"))["users"]!.AsArray()
            .ToDictionary(u => u!["userName"]!.GetValue<string>(), u => u!["id"]!.GetValue<string>());

    private async Task<int> PendingCountAsync() =>
        (await server.GraphQLAsync("query { approvalRequests(first: 1, where: { status: PENDING }) { totalCount } }"))["approvalRequests"]!["totalCount"]!.GetValue<int>();

    private static async Task<DateTimeOffset[]> ExpiriesAsync(IPage page) =>
        (await page.Locator("article[data-approval]").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.expires)")).Select(DateTimeOffset.Parse).ToArray();

    private async Task<HttpStatusCode> TokenStatusAsync(string clientId, string secret)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync($"{server.BaseUrl}/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return response.StatusCode;
    }
}
