using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using StandardWebhooks;
using static Microsoft.Playwright.Assertions;

namespace Respond.Designer.Tests;

/// <summary>
/// Issue 16's screens against the real server in Debian's Chromium: an organization's approval policy (quorum,
/// escalation, fallback) edited under Settings, and a partner's webhook added, delivered to a real local receiver,
/// its delivery log read and a message replayed.
/// </summary>
[Collection("Approval reach screens")]
public sealed class ApprovalReachScreensTests(DesignerServer server) : IClassFixture<DesignerServer>
{
    [Fact]
    public async Task ApprovalPolicy_TwoApprovalsAndAnEscalationStep_SavedForOneOrganization_ServerErrorShownAtItsField()
    {
        // Contoso's first change of its own copies the defaults, Respond on or off: on, like the other tests here need it.
        await server.EnsureRespondOnAndConnectedAsync();
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/settings");
        await page.GetByLabel("Settings of").SelectOptionAsync(new SelectOptionValue { Label = "Contoso" });
        await Expect(page.GetByText("This organization uses the defaults")).ToBeVisibleAsync();
        await page.GetByLabel("Action type of the new policy").SelectOptionAsync("ISOLATE_DEVICE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add policy" }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New policy for Isolate device" });
        await dialog.GetByLabel("Approvals required").FillAsync("2");
        await dialog.GetByLabel("Asked first").FillAsync("bob, soc-tier1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add escalation step" }).ClickAsync();
        await dialog.GetByLabel("Step 1: after minutes").FillAsync("15");
        await dialog.GetByLabel("Step 1: tell").FillAsync("on-call, alice");
        // Shorter than the escalation's delay: the server refuses it, and says so at the timeout field.
        await dialog.GetByLabel("Timeout in minutes").FillAsync("10");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(dialog.Locator("label", new() { HasText = "Timeout in minutes" }).Locator(".field-error")).ToContainTextAsync("longer than all escalation delays");
        await dialog.GetByLabel("Timeout in minutes").FillAsync("60");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("tr[data-policy='ISOLATE_DEVICE']")).ToContainTextAsync("2 approvals · asks bob, soc-tier1 · after 15 min tells on-call, alice · expires after 60 min");

        await page.GetByLabel("On-call list").FillAsync("bob");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save on-call list" }).ClickAsync();
        await Expect(page.GetByTestId("toast").Filter(new() { HasText = "On-call list saved" })).ToBeVisibleAsync();

        var contoso = (await server.GraphQLAsync("""{ respondSettings(organizationId: "contoso") { inheritsDefaults onCall approvalPolicies { type approvalsRequired approvers escalation { afterMinutes notify } timeoutMinutes fallback } } }"""))["respondSettings"]!;
        Assert.False(contoso["inheritsDefaults"]!.GetValue<bool>());
        Assert.Equal("""["bob"]""", contoso["onCall"]!.ToJsonString());
        Assert.Equal("""[{"type":"ISOLATE_DEVICE","approvalsRequired":2,"approvers":["bob","soc-tier1"],"escalation":[{"afterMinutes":15,"notify":["on-call","alice"]}],"timeoutMinutes":60,"fallback":"EXPIRE"}]""",
            contoso["approvalPolicies"]!.ToJsonString());
        // The defaults every other organization inherits are untouched.
        Assert.Equal("[]", (await server.GraphQLAsync("{ respondSettings { approvalPolicies { type } } }"))["respondSettings"]!["approvalPolicies"]!.ToJsonString());

        await page.Locator("tr[data-policy='ISOLATE_DEVICE']").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Remove the policy for Isolate device?" }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.Locator("tr[data-policy='ISOLATE_DEVICE']")).ToHaveCountAsync(0);
        Assert.Equal("[]", (await server.GraphQLAsync("""{ respondSettings(organizationId: "contoso") { approvalPolicies { type } } }"""))["respondSettings"]!["approvalPolicies"]!.ToJsonString());
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Webhook_AddedWithItsSecretShownOnce_ReceiverGetsTheSignedAlert_DeliveryLogShowsIt_ReplaySendsTheSameMessage()
    {
        using var receiver = new Receiver();
        await server.EnsureRespondOnAndConnectedAsync(); // rules evaluate events only while Respond is on
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/webhooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Add webhook" });
        await dialog.GetByLabel("Organization").SelectOptionAsync(new SelectOptionValue { Label = "Contoso" });
        // A private address that the installation does not allow: refused, at the URL field.
        await dialog.GetByLabel("Endpoint URL").FillAsync("http://10.20.30.40/hook");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(dialog.Locator("label", new() { HasText = "Endpoint URL" }).Locator(".field-error")).ToBeVisibleAsync();
        await dialog.GetByLabel("Endpoint URL").FillAsync(receiver.Url);
        foreach (var other in new[] { "approval.requested", "approval.decided", "approval.escalated", "action.updated" })
            await dialog.GetByRole(AriaRole.Checkbox, new() { Name = other }).UncheckAsync();
        await dialog.GetByLabel("Description").FillAsync("E2E ticketing");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        var secretDialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Signing secret of {receiver.Url}" });
        var secret = (await secretDialog.GetByTestId("issued-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("whsec_", secret);
        await secretDialog.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        var row = page.Locator($"tr[data-webhook='{receiver.Url}']");
        await Expect(row).ToContainTextAsync("alert.raised");
        await Expect(row).ToContainTextAsync("Contoso");

        await server.CreateActiveRuleAsync("E2E webhook alert", "ALERT_ONLY", """
            { "schemaVersion": 1, "nodes": [
              { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["e2e.webhook"] } },
              { "id": "alert", "type": "alert.create", "config": { "title": "Webhook check on {{device.hostname}}", "severity": "HIGH" } } ],
              "edges": [ { "from": "trigger", "to": "alert" } ] }
            """);
        receiver.HoldAnswers();
        await server.IngestAsync("e2e.webhook", 1);
        var first = await receiver.NthAsync(1, DiagnosisAsync);
        new StandardWebhook(secret).Verify(first.Body, first.Headers); // throws unless signed with the secret shown once
        Assert.Equal("alert.raised", JsonNode.Parse(first.Body)!["type"]!.GetValue<string>());

        await row.GetByRole(AriaRole.Link, new() { Name = "Delivery log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delivery log" })).ToBeVisibleAsync();
        var message = page.Locator("tr[data-event='alert.raised']");
        // The receiver has the message but has not answered: pending. Once it answers, the log shows it without Refresh.
        await Expect(message).ToContainTextAsync("Pending");
        receiver.Answer();
        await Expect(message).ToContainTextAsync("Delivered");
        await Expect(message).ToContainTextAsync("HTTP 200");
        await message.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        var second = await receiver.NthAsync(2, DiagnosisAsync);
        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Equal(first.Body, second.Body);
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Attempts" }).ClickAsync();
        await Expect(page.Locator("tr[data-attempt]")).ToHaveCountAsync(2);

        await page.GotoAsync("/webhooks");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = $"Rotate the signing secret of {receiver.Url}?" }).GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var rotated = (await secretDialog.GetByTestId("issued-secret").TextContentAsync())!.Trim();
        Assert.NotEqual(secret, rotated);
        await secretDialog.GetByRole(AriaRole.Button, new() { Name = "I have stored it" }).ClickAsync();
        await Expect(row).ToContainTextAsync("previous secret signs until");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = $"Delete the webhook to {receiver.Url}?" }).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Equal("[]", (await server.GraphQLAsync("{ webhookSubscriptions { id } }"))["webhookSubscriptions"]!.ToJsonString());
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task DecisionPage_TheLinkChatAndEmailCarry_ShowsTheRequestAndDecidesAsTheSignedInApprover_OwnAndForeignRequestsCannotBeDecided()
    {
        await server.EnsureRespondOnAndConnectedAsync();
        var submitted = await server.GraphQLAsync("""
            mutation { submitResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, target: { deviceId: "link-dev" }, justification: "from a chat link" }) { approvalRequest { id } errors { message } } }
            """);
        var id = submitted["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();

        await using var bob = await DesignerSession.SignInAsync(server, "bob", "bob-password");
        var page = bob.Page;
        await page.GotoAsync($"/approvals/{id}");
        var card = page.Locator($"article[data-approval='{id}']");
        await Expect(card).ToContainTextAsync("Isolate device");
        await Expect(card).ToContainTextAsync("link-dev");
        await Expect(card).ToContainTextAsync("from a chat link");
        await card.GetByLabel("Comment").FillAsync("checked the host first");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(card.Locator("[data-status='APPROVED']")).ToBeVisibleAsync();
        var decided = await server.GraphQLAsync("query($id: ID!) { approvalRequest(id: $id) { status decidedByName comment } }", new { id });
        Assert.Equal(("APPROVED", "bob", "checked the host first"), (decided["approvalRequest"]!["status"]!.GetValue<string>(),
            decided["approvalRequest"]!["decidedByName"]!.GetValue<string>(), decided["approvalRequest"]!["comment"]!.GetValue<string>()));

        // A request of bob's own: the page says why he cannot decide it (dual control) and offers no buttons.
        var bobToken = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('respond.tokens')).accessToken");
        var own = await server.GraphQLAsAsync(bobToken, """
            mutation { submitResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, target: { deviceId: "bobs-dev" }, justification: "bob's own" }) { approvalRequest { id } errors { message } } }
            """);
        var ownId = own["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();
        await page.GotoAsync($"/approvals/{ownId}");
        await Expect(page.GetByTestId("own-request")).ToContainTextAsync("someone else must decide it");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);

        // An id that is not visible (another organization's, or none): no request, no way to decide.
        await page.GotoAsync("/approvals/apr-of-another-organization");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No such request" })).ToBeVisibleAsync();
        bob.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ChatIntegrations_SlackAndTeamsSetUpForContoso_SecretsNeverShownAgain_RefusalsAtTheirFields()
    {
        await using var alice = await DesignerSession.SignInAsync(server, "alice", "alice-password");
        var page = alice.Page;
        await page.GotoAsync("/integrations");
        var contoso = page.Locator("section[data-organization='contoso']");
        await contoso.GetByRole(AriaRole.Button, new() { Name = "Set up Slack" }).ClickAsync();
        var slack = page.GetByRole(AriaRole.Dialog, new() { Name = "Slack for Contoso" });
        await slack.GetByLabel("Channel id").FillAsync("C0E2E");
        await slack.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        // The first setup needs both secrets: refused, at the token's field.
        await Expect(slack.Locator("label", new() { HasText = "Bot token" }).Locator(".field-error")).ToBeVisibleAsync();
        await slack.GetByLabel("Bot token").FillAsync("xoxb-e2e-bot-token");
        await slack.GetByLabel("Signing secret").FillAsync("e2e-signing-secret-0123456789");
        await slack.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(slack).ToBeHiddenAsync();
        var slackPart = contoso.Locator("[data-integration='slack']");
        await Expect(slackPart).ToContainTextAsync("C0E2E");
        await Expect(slackPart.GetByTestId("slack-interactions-url")).ToHaveTextAsync($"{server.BaseUrl}/integrations/slack/interactions");
        Assert.DoesNotContain("xoxb-e2e-bot-token", await page.ContentAsync());

        await contoso.GetByRole(AriaRole.Button, new() { Name = "Set up Teams" }).ClickAsync();
        var teams = page.GetByRole(AriaRole.Dialog, new() { Name = "Teams for Contoso" });
        await teams.GetByLabel("Workflow URL").FillAsync("https://10.20.30.40/workflows/secret-path");
        await teams.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(teams.Locator("label", new() { HasText = "Workflow URL" }).Locator(".field-error")).ToBeVisibleAsync(); // an internal address
        await teams.GetByLabel("Workflow URL").FillAsync("https://127.0.0.1:9/workflows/secret-path");
        await teams.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(teams).ToBeHiddenAsync();
        await Expect(contoso.Locator("[data-integration='teams']")).ToContainTextAsync("127.0.0.1");
        Assert.DoesNotContain("secret-path", await page.ContentAsync());

        await contoso.GetByRole(AriaRole.Button, new() { Name = "Remove Teams" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Remove Teams from Contoso?" }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(contoso.GetByRole(AriaRole.Button, new() { Name = "Set up Teams" })).ToBeVisibleAsync();
        var stored = (await server.GraphQLAsync("""{ chatIntegrations(organizationId: "contoso") { slack { channelId botTokenSet signingSecretSet } teams { webhookHost } } }"""))["chatIntegrations"]![0]!;
        Assert.Equal("""{"slack":{"channelId":"C0E2E","botTokenSet":true,"signingSecretSet":true},"teams":null}""", stored.ToJsonString());
        alice.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task MyNotifications_ChangedAndSaved_AreThoseTheServerKeeps()
    {
        await using var bob = await DesignerSession.SignInAsync(server, "bob", "bob-password");
        var page = bob.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "My notifications" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "In the designer (always)" })).ToBeDisabledAsync();
        var email = page.GetByRole(AriaRole.Checkbox, new() { Name = "Email to my account" });
        var wasOn = await email.IsCheckedAsync();
        await email.SetCheckedAsync(!wasOn);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Escalations that name me, my role or the on-call list I am on" }).UncheckAsync();
        await page.GetByLabel("Email address").FillAsync("bob at contoso");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        await Expect(page.Locator("label", new() { HasText = "Email address" }).Locator(".field-error")).ToBeVisibleAsync(); // not an address
        await page.GetByLabel("Email address").FillAsync("bob@contoso.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        await Expect(page.GetByTestId("toast").Filter(new() { HasText = "Notification preferences saved" })).ToBeVisibleAsync();
        await Expect(page.GetByText("No Slack user is linked to you.")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Expect(email).ToBeCheckedAsync(new() { Checked = !wasOn });
        await Expect(page.GetByLabel("Email address")).ToHaveValueAsync("bob@contoso.example");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Escalations that name me, my role or the on-call list I am on" })).Not.ToBeCheckedAsync();
        bob.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task SlackLink_AnUnlinkedClickAnswersALink_BobConfirmsItSignedIn_ThenHisClickApprovesAsHim_AndTheCodeCannotBeUsedTwice()
    {
        const string SigningSecret = "e2e-slack-signing-secret-42";
        await server.EnsureRespondOnAndConnectedAsync();
        // Posting to Slack goes to an address where nothing listens: this test is about the clicks coming back.
        await server.GraphQLAsync("""
            mutation($s: String!) { configureSlackIntegration(input: { organizationId: "contoso", channelId: "C0LINK", botToken: "xoxb-e2e", signingSecret: $s, apiBaseUrl: "https://127.0.0.1:9/api" }) { errors { message } } }
            """, new { s = SigningSecret });
        var submitted = await server.GraphQLAsync("""
            mutation { submitResponseAction(input: { organizationId: "contoso", type: ISOLATE_DEVICE, target: { deviceId: "slack-dev" }, justification: "from Slack" }) { approvalRequest { id } errors { message } } }
            """);
        var requestId = submitted["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();

        var unlinked = await ClickAsync(SigningSecret, "UBOB", requestId);
        var code = System.Text.RegularExpressions.Regex.Match(unlinked, @"/link/slack\?code=([A-Za-z0-9_%\-]+)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code), unlinked);
        Assert.Equal("PENDING", await StatusAsync(requestId));

        await using var bob = await DesignerSession.SignInAsync(server, "bob", "bob-password");
        var page = bob.Page;
        await page.GotoAsync($"/link/slack?code={code}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Link to bob" }).ClickAsync();
        await Expect(page.GetByTestId("slack-linked")).ToContainTextAsync("is linked to bob");

        await ClickAsync(SigningSecret, "UBOB", requestId);
        Assert.Equal("APPROVED", await StatusAsync(requestId));
        Assert.Equal("bob", (await server.GraphQLAsync("query($id: ID!) { approvalRequest(id: $id) { decidedByName } }", new { id = requestId }))["approvalRequest"]!["decidedByName"]!.GetValue<string>());

        // The code linked once; opened again (by anyone) it links nothing.
        await page.GotoAsync($"/link/slack?code={code}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Link to bob" }).ClickAsync();
        await Expect(page.Locator(".error-box")).ToBeVisibleAsync();

        await page.GotoAsync("/notifications");
        var link = page.Locator("tr[data-slack-user='UBOB']");
        await link.GetByRole(AriaRole.Button, new() { Name = "Unlink" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Unlink" }).ClickAsync();
        await Expect(page.GetByText("No Slack user is linked to you.")).ToBeVisibleAsync();
        bob.AssertNoConsoleErrors();
    }

    /// <summary>A click on Approve as Slack sends it (form-encoded payload, v0 signature over timestamp and body); returns the answer's text.</summary>
    private async Task<string> ClickAsync(string signingSecret, string slackUser, string requestId)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions", ["trigger_id"] = Guid.NewGuid().ToString("N"),
            ["team"] = new JsonObject { ["id"] = "TE2E" },
            ["user"] = new JsonObject { ["id"] = slackUser, ["username"] = slackUser.ToLowerInvariant(), ["team_id"] = "TE2E" },
            ["actions"] = new JsonArray { new JsonObject { ["action_id"] = "respond_approve", ["block_id"] = "respond_decision", ["value"] = requestId } },
        };
        var body = "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{server.BaseUrl}/integrations/slack/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    private async Task<string> StatusAsync(string requestId) =>
        (await server.GraphQLAsync("query($id: ID!) { approvalRequest(id: $id) { status } }", new { id = requestId }))["approvalRequest"]!["status"]!.GetValue<string>();

    /// <summary>What the server stored and logged, for a failing delivery's diagnosis.</summary>
    private async Task<string> DiagnosisAsync()
    {
        var state = await server.GraphQLAsync("""{ alerts(first: 5) { edges { node { title createdAt } } } webhookSubscriptions { id url enabled consecutiveFailures } evaluationLag { events } }""");
        return state.ToJsonString() + "\n" + server.ServerLog();
    }

    private sealed record Received(string Body, HeaderDictionary Headers);

    /// <summary>A partner's endpoint on 127.0.0.1: records every request and answers 200.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<Received> _received = [];
        private readonly SemaphoreSlim _arrived = new(0);
        private volatile TaskCompletionSource _answer = Answered();
        public string Url { get; }

        private static TaskCompletionSource Answered()
        {
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            answered.SetResult();
            return answered;
        }

        /// <summary>Requests from now on are received (and counted) but not answered until <see cref="Answer"/>.</summary>
        public void HoldAnswers() => _answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Answers the held requests, and every later one at once.</summary>
        public void Answer() => _answer.TrySetResult();

        public Receiver()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var headers = new HeaderDictionary();
                foreach (var name in context.Request.Headers.AllKeys) headers[name!] = context.Request.Headers[name];
                lock (_received) _received.Add(new Received(body, headers));
                _arrived.Release();
                var answer = _answer.Task;
                _ = answer.ContinueWith(_ =>
                {
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }, TaskScheduler.Default);
            }
        }

        /// <summary>The <paramref name="n"/>th request, waiting (bounded) for it.</summary>
        public async Task<Received> NthAsync(int n, Func<Task<string>> diagnosis)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                while (true)
                {
                    lock (_received) if (_received.Count >= n) return _received[n - 1];
                    await _arrived.WaitAsync(limit.Token);
                }
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Request {n} never came.\n{await diagnosis()}");
            }
        }

        public void Dispose() => _listener.Close();
    }
}
