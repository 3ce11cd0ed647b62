using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Features.Notifications;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Features.Chat;

/// <summary>
/// Slack against a local fake Slack (Kestrel on 127.0.0.1, loopback allowed in these tests): a request is posted with
/// its evidence and buttons; a click is accepted only when signed with the app's signing secret, recent and never seen
/// before, and decides only as the Respond user the Slack user is linked to, under the API's dual control and quorum.
/// </summary>
public abstract partial class SlackApprovalTests(TestDatabase database) : IAsyncLifetime
{
    private const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string BotToken = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
    private const string Team = "T0ORGA";

    /// <summary>Whole seconds, like Slack's timestamps.</summary>
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private FakeHttpServer _slack = null!;
    private RespondApiFixture _api = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeHttpServer.StartAsync(r => r.Path == "/api/chat.postMessage" ? new FakeResponse(200, new { ok = true, ts = "1.2" }) : new FakeResponse(200));
        // The tests drive the notification outbox themselves (SendDueAsync) on the fake clock; the background pass never comes due.
        _api = ActionScenario.Host(database).With("Respond:Chat:AllowPlainHttp", "true").With("Respond:Notifications:PollInterval", "1.00:00:00")
            .WithServices(s => s.AddSingleton<TimeProvider>(_time));
        await _api.ReadyAsync();
        var configured = await _api.GraphQLAsync("admin-a", "mutation($input: ConfigureSlackIntegrationInput!) { configureSlackIntegration(input: $input) { errors { code message } } }",
            new { input = new { organizationId = "org-a", channelId = "C0APPROVALS", botToken = BotToken, signingSecret = SigningSecret, apiBaseUrl = _slack.Url + "/api" } });
        Assert.Empty(configured.Errors("configureSlackIntegration"));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private async Task UserAsync(string userName, string[] roles, string organization = "org-a")
    {
        var created = await _api.GraphQLAsync("admin", "mutation($input: CreateUserInput!) { createUser(input: $input) { errors { code message } } }",
            new { input = new { userName, password = userName + "-password-1", roles, organizations = new[] { organization } } });
        Assert.Empty(created.Errors("createUser"));
        await _api.SignInAsync(userName, userName + "-password-1");
    }

    private async Task<string> SubmitIsolateAsync(string client = "responder-a")
    {
        var submitted = await _api.SubmitAsync(client, "ISOLATE_DEVICE", ActionScenario.Device("dev-a1"));
        Assert.Empty(submitted.Errors("submitResponseAction"));
        return submitted.Str("data.submitResponseAction.approvalRequest.id");
    }

    private sealed record Answer(HttpStatusCode Status, string Text);

    /// <summary>A click as Slack sends it: form-encoded payload=, signed per Slack's v0 scheme, computed here independently of the server.</summary>
    private static HttpRequestMessage Interaction(string slackUser, string action, string requestId, long timestamp, string secret = SigningSecret, string? responseUrl = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            // Slack makes each click's payload unique (its trigger id); equal bytes would be a replay.
            ["trigger_id"] = Guid.NewGuid().ToString("N"),
            ["team"] = new JsonObject { ["id"] = Team },
            ["user"] = new JsonObject { ["id"] = slackUser, ["username"] = slackUser.ToLowerInvariant(), ["team_id"] = Team },
            ["actions"] = new JsonArray { new JsonObject { ["action_id"] = action, ["block_id"] = "respond_decision", ["value"] = requestId } },
            ["response_url"] = responseUrl,
        };
        var body = "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
        var request = new HttpRequestMessage(HttpMethod.Post, "/integrations/slack/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        return request;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using var http = _api.CreateClient();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.StatusCode == HttpStatusCode.OK && body.Length > 0 ? JsonNode.Parse(body)!.Str("text") : body);
    }

    private Task<Answer> ClickAsync(string slackUser, string requestId, string action = "respond_approve") => SendAsync(Interaction(slackUser, action, requestId, Now));

    /// <summary>The link flow: an unlinked click answers a one-time link; the Respond user, signed in, confirms its code.</summary>
    private async Task<string> CodeFromUnlinkedClickAsync(string slackUser, string requestId)
    {
        var answer = await ClickAsync(slackUser, requestId);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var match = LinkPattern().Match(answer.Text);
        Assert.True(match.Success, answer.Text);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    private Task<JsonObject> LinkAsync(string respondUser, string code) =>
        _api.GraphQLAsync(respondUser, "mutation($code: String!) { linkSlackUser(input: { code: $code }) { slackUserLink { slackTeamId slackUserId organizationId } errors { code message } } }", new { code });

    private async Task LinkedAsync(string slackUser, string respondUser, string requestId)
    {
        var linked = await LinkAsync(respondUser, await CodeFromUnlinkedClickAsync(slackUser, requestId));
        Assert.Empty(linked.Errors("linkSlackUser"));
    }

    private async Task<JsonNode> RequestAsync(string requestId) =>
        (await _api.GraphQLAsync("admin", "{ approvalRequests(first: 50) { edges { node { id status approvalsReceived approvalsRequired decisions { byName outcome comment } } } } }"))
        .At("data.approvalRequests.edges").AsArray().Select(e => e!["node"]!).Single(n => n.Str("id") == requestId);

    private async Task<List<JsonObject>> RefusalsAsync(string actorId)
    {
        var audit = await _api.GraphQLAsync("admin", "query($actor: String!) { auditTrail(first: 50, where: { action: \"authorization.refused\", actorId: $actor }) { edges { node { subjectId after } } } }", new { actor = actorId });
        return audit.At("data.auditTrail.edges").AsArray().Select(e => e!.At("node.after") is JsonValue text ? JsonNode.Parse(text.GetValue<string>())!.AsObject() : e!.At("node.after").AsObject()).ToList();
    }

    [GeneratedRegex(@"/link/slack\?code=([A-Za-z0-9_%\-]+)")]
    private static partial Regex LinkPattern();

    [SkippableFact]
    public async Task RequestOpened_SlackConfigured_PostsTheEvidenceWithApproveAndRejectButtons()
    {
        var requestId = await SubmitIsolateAsync();

        await _api.Services.GetRequiredService<ApprovalNotificationDispatcher>().SendDueAsync(CancellationToken.None);

        var posted = Assert.Single(_slack.Requests, r => r.Path == "/api/chat.postMessage");
        Assert.Equal("Bearer " + BotToken, posted.Header("Authorization"));
        var message = posted.Json;
        Assert.Equal("C0APPROVALS", message.Str("channel"));
        var text = message["blocks"]!.ToJsonString();
        foreach (var evidence in new[] { "ISOLATE_DEVICE deviceId=dev-a1", "responder-a", "0 of 1", "Expires", $"http://localhost/approvals/{requestId}" })
            Assert.Contains(evidence, text);
        var buttons = message["blocks"]!.AsArray().Single(b => b!.Str("type") == "actions")!["elements"]!.AsArray();
        Assert.Equal([("respond_approve", requestId), ("respond_reject", requestId)],
            buttons.Where(b => b!["value"] is not null).Select(b => (b!.Str("action_id"), b!.Str("value"))));
    }

    [SkippableFact]
    public async Task RequestOpened_SlackFailingTwice_TheRequestOpensAtOnceAndThePostIsRetriedUntilSlackTakesIt()
    {
        var calls = 0;
        _slack.Handler = r => r.Path != "/api/chat.postMessage" ? new FakeResponse(200)
            : Interlocked.Increment(ref calls) switch { 1 => new FakeResponse(500), 2 => new FakeResponse(200, new { ok = false, error = "ratelimited" }), _ => new FakeResponse(200, new { ok = true }) };
        var dispatcher = _api.Services.GetRequiredService<ApprovalNotificationDispatcher>();
        var requestId = await SubmitIsolateAsync();

        await dispatcher.SendDueAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        await dispatcher.SendDueAsync(CancellationToken.None);
        var beforeDue = calls;
        _time.Advance(TimeSpan.FromSeconds(19));
        await dispatcher.SendDueAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.SendDueAsync(CancellationToken.None);
        await dispatcher.SendDueAsync(CancellationToken.None);

        Assert.Equal((2, 3), (beforeDue, calls));
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
    }

    [SkippableFact]
    public async Task SignedClick_LinkedEligibleApprovers_EachCountsTowardsTheQuorumAndTheSecondApproves()
    {
        var policy = await _api.GraphQLAsync("admin-a", "mutation($input: UpdateApprovalPoliciesInput!) { updateApprovalPolicies(input: $input) { errors { code message } } }",
            new { input = new { organizationId = "org-a", policies = new[] { new { type = "ISOLATE_DEVICE", approvalsRequired = 2 } } } });
        Assert.Empty(policy.Errors("updateApprovalPolicies"));
        await UserAsync("ann", ["Approver"]);
        await UserAsync("ben", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UANN", "ann", requestId);
        await LinkedAsync("UBEN", "ben", requestId);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));

        var first = await ClickAsync("UANN", requestId);
        var afterFirst = await RequestAsync(requestId);
        var second = await ClickAsync("UBEN", requestId);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("1 of 2", first.Text);
        Assert.Equal(("PENDING", 1), (afterFirst.Str("status"), afterFirst["approvalsReceived"]!.GetValue<int>()));
        Assert.Contains("APPROVED", second.Text);
        var decided = await RequestAsync(requestId);
        Assert.Equal("APPROVED", decided.Str("status"));
        Assert.Equal(["ann", "ben"], decided["decisions"]!.AsArray().Select(d => d!.Str("byName")).ToList());
        Assert.All(decided["decisions"]!.AsArray(), d => Assert.Equal("Decided in Slack.", d!.Str("comment")));
    }

    [SkippableFact]
    public async Task Click_BadSignature_Refused401AuditedAndNothingDecided()
    {
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UANN", "ann", requestId);

        var forged = await SendAsync(Interaction("UANN", "respond_approve", requestId, Now, secret: "not-the-signing-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
        Assert.Contains(await RefusalsAsync("slack:unverified"), r => r.Str("reason") == "SIGNATURE_REFUSED" && r.Str("message").Contains("signature"));
    }

    [SkippableFact]
    public async Task Click_TimestampOlderThanFiveMinutes_Refused401AndNothingDecided()
    {
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UANN", "ann", requestId);

        var stale = await SendAsync(Interaction("UANN", "respond_approve", requestId, Now - 301));

        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
        Assert.Contains(await RefusalsAsync("slack:unverified"), r => r.Str("message").Contains("timestamp"));
    }

    [SkippableFact]
    public async Task Click_ReplayedWithinTheWindow_SecondRefused401()
    {
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UANN", "ann", requestId);
        var reject = Interaction("UANN", "respond_reject", requestId, Now);
        var replay = new HttpRequestMessage(HttpMethod.Post, reject.RequestUri) { Content = new StringContent(await reject.Content!.ReadAsStringAsync(), Encoding.UTF8, "application/x-www-form-urlencoded") };
        foreach (var header in reject.Headers) replay.Headers.Add(header.Key, header.Value);

        var first = await SendAsync(reject);
        var second = await SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Contains(await RefusalsAsync("slack:unverified"), r => r.Str("message").Contains("replay"));
        Assert.Single((await RequestAsync(requestId))["decisions"]!.AsArray());
    }

    [SkippableFact]
    public async Task Click_UnlinkedSlackUser_AnswersAOneTimeLinkAndDecidesNothing()
    {
        var requestId = await SubmitIsolateAsync();

        var answer = await SendAsync(Interaction("UNOBODY", "respond_approve", requestId, Now, responseUrl: _slack.Url + "/response/1"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Matches(LinkPattern(), answer.Text);
        Assert.StartsWith("http://localhost/link/slack?code=", LinkPattern().Match(answer.Text).Value.Insert(0, "http://localhost"));
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
        Assert.Empty((await RequestAsync(requestId))["decisions"]!.AsArray());
        Assert.Contains(await RefusalsAsync($"slack:{Team}/UNOBODY"), r => r.Str("reason") == "NOT_LINKED");
        await _slack.WaitForAsync(r => r.Path == "/response/1" && r.Body.Contains("link/slack?code="));
    }

    [SkippableFact]
    public async Task Click_SubmittersOwnLinkedSlackUser_RefusedByDualControlAndAudited()
    {
        await UserAsync("rita", ["Responder", "Approver"]);
        var requestId = await SubmitIsolateAsync("rita");
        await LinkedAsync("URITA", "rita", requestId);

        var own = await ClickAsync("URITA", requestId);

        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("different person", own.Text);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
        var ritaId = (await _api.GraphQLAsync("rita", "{ viewer { id } }")).Str("data.viewer.id");
        Assert.Contains(await RefusalsAsync(ritaId), r => r.Str("reason") == "DUAL_CONTROL");
    }

    [SkippableFact]
    public async Task Click_LinkedUserWithoutAnApproverRole_RefusedAndNothingDecided()
    {
        await UserAsync("rob", ["Responder"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UROB", "rob", requestId);

        var answer = await ClickAsync("UROB", requestId);

        Assert.Contains("may not decide", answer.Text);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
    }

    [SkippableFact]
    public async Task LinkCode_UsedOnce_SecondUseRefusedAndTheLinkStandsForTheFirstUser()
    {
        await UserAsync("ann", ["Approver"]);
        await UserAsync("eve", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        var code = await CodeFromUnlinkedClickAsync("UANN", requestId);

        var first = await LinkAsync("ann", code);
        var again = await LinkAsync("eve", code);

        Assert.Empty(first.Errors("linkSlackUser"));
        Assert.Equal("INVALID_STATE", again.Str("data.linkSlackUser.errors.0.code"));
        var links = await _api.GraphQLAsync("ann", "{ slackUserLinks { slackTeamId slackUserId } }");
        Assert.Equal(Team + "/UANN", links.Str("data.slackUserLinks.0.slackTeamId") + "/" + links.Str("data.slackUserLinks.0.slackUserId"));
        Assert.Empty((await _api.GraphQLAsync("eve", "{ slackUserLinks { slackUserId } }")).At("data.slackUserLinks").AsArray());
    }

    [SkippableFact]
    public async Task LinkCode_AfterTenMinutes_RefusedAsExpired()
    {
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        var code = await CodeFromUnlinkedClickAsync("UANN", requestId);

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await _api.SignInAsync("ann", "ann-password-1");
        var late = await LinkAsync("ann", code);

        Assert.Equal("EXPIRED", late.Str("data.linkSlackUser.errors.0.code"));
    }

    [SkippableFact]
    public async Task LinkCode_OfOrgA_PersonOfOrgBCannotUseIt()
    {
        await UserAsync("bob", ["Approver"], organization: "org-b");
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        var code = await CodeFromUnlinkedClickAsync("UANN", requestId);

        var foreign = await LinkAsync("bob", code);
        var own = await LinkAsync("ann", code);

        Assert.Equal("NOT_FOUND", foreign.Str("data.linkSlackUser.errors.0.code"));
        Assert.Empty(own.Errors("linkSlackUser"));
    }

    [SkippableFact]
    public async Task LinkedThenUnlinked_ClickAnswersALinkAgainAndDecidesNothing()
    {
        await UserAsync("ann", ["Approver"]);
        var requestId = await SubmitIsolateAsync();
        await LinkedAsync("UANN", "ann", requestId);

        var unlinked = await _api.GraphQLAsync("ann", "mutation { unlinkSlackUser(input: { slackTeamId: \"T0ORGA\", slackUserId: \"UANN\" }) { errors { code } } }");
        var answer = await ClickAsync("UANN", requestId);

        Assert.Empty(unlinked.Errors("unlinkSlackUser"));
        Assert.Matches(LinkPattern(), answer.Text);
        Assert.Equal("PENDING", (await RequestAsync(requestId)).Str("status"));
    }

    public sealed class OnSqlite() : SlackApprovalTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : SlackApprovalTests(TestDatabase.PostgreSql);
}
