using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Features.Webhooks;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;
using StandardWebhooks;

namespace Respond.Server.Tests.Features.Webhooks;

/// <summary>
/// Outbound webhooks against a real HTTP receiver on 127.0.0.1: signed per Standard Webhooks (checked with the
/// package's own verifier), at least once from the outbox with backoff on a fake clock, disabled after repeated
/// failure, and confined to the organizations and role of whoever subscribes.
/// </summary>
public abstract class WebhookDeliveryTests(TestDatabase database)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Every failed sign-in raises its own alert (no suppression), so each event makes one alert.raised message.</summary>
    private const string AlertPerEventRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Failed sign-in {{id}}", "severity": "HIGH" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    private const string SubscriptionFields = "id organizationId url events enabled disabledReason consecutiveFailures previousSecretExpiresAt version";

    private RespondApiFixture Host() => RespondApiFixture.For(database)
        .With("Respond:Webhooks:AllowPlainHttp", "true")
        .WithServices(s => s.AddSingleton<TimeProvider>(_time));

    /// <summary>A receiver that records each request and answers with the next of its statuses (then 200), signalling each arrival.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<int> _statuses;
        private readonly SemaphoreSlim _arrived = new(0);
        public FakeHttpServer Server { get; }
        public List<RecordedRequest> Received { get; } = [];

        private Receiver(FakeHttpServer server, IEnumerable<int> statuses)
        {
            Server = server;
            _statuses = new ConcurrentQueue<int>(statuses);
            server.Handler = request =>
            {
                lock (Received) Received.Add(request);
                _arrived.Release();
                return new FakeResponse(_statuses.TryDequeue(out var status) ? status : 200);
            };
        }

        public static async Task<Receiver> StartAsync(params int[] statuses) => new(await FakeHttpServer.StartAsync(), statuses);

        public string Url => Server.Url + "/hooks/respond";

        /// <summary>Waits for the <paramref name="count"/>-th request (bounded), and returns it.</summary>
        public async Task<RecordedRequest> NthAsync(int count)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (true)
            {
                lock (Received) if (Received.Count >= count) return Received[count - 1];
                try
                {
                    await _arrived.WaitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new Xunit.Sdk.XunitException($"The receiver got {Received.Count} request(s), not {count}.");
                }
            }
        }

        /// <summary>Waits (bounded) until the requests received so far satisfy <paramref name="done"/>.</summary>
        public async Task UntilAsync(Func<IReadOnlyList<RecordedRequest>, bool> done)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (true)
            {
                lock (Received) if (done(Received)) return;
                try
                {
                    await _arrived.WaitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    lock (Received) throw new Xunit.Sdk.XunitException("Not received: " + string.Join("\n", Received.Select(r => r.Body)));
                }
            }
        }

        public int Count
        {
            get { lock (Received) return Received.Count; }
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<(string Id, string Secret)> SubscribeAsync(RespondApiFixture api, string url, string client = "admin-a", string? org = "org-a", params string[] events)
    {
        var created = await api.GraphQLAsync(client, $$"""
            mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { {{SubscriptionFields}} } secret errors { code message path } } }
            """, new { input = new { organizationId = org, url, events = events.Length > 0 ? events : [WebhookEventTypes.AlertRaised] } });
        Assert.Empty(created.Errors("createWebhookSubscription"));
        return (created.Str("data.createWebhookSubscription.subscription.id"), created.Str("data.createWebhookSubscription.secret"));
    }

    private static async Task<JsonArray> MessagesAsync(RespondApiFixture api, string subscriptionId, string client = "admin-a")
    {
        var read = await api.GraphQLAsync(client, """
            query($id: ID!) { webhookMessages(subscriptionId: $id) { id eventType status attemptCount lastStatusCode lastError payload attempts { statusCode error } } }
            """, new { id = subscriptionId });
        return read.At("data.webhookMessages").AsArray();
    }

    private static HeaderDictionary Headers(RecordedRequest request) => new()
    {
        ["webhook-id"] = request.Header("webhook-id"),
        ["webhook-timestamp"] = request.Header("webhook-timestamp"),
        ["webhook-signature"] = request.Header("webhook-signature"),
    };

    private static async Task RaiseAlertsAsync(RespondApiFixture api, int count)
    {
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(AlertPerEventRule);
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(1, count).Select(i => EngineScenario.Event($"hook-{i}")));
    }

    /// <summary>One pass of the dispatcher now (it also runs by itself; a message is claimed once whoever comes first).</summary>
    private static Task<int> DispatchAsync(RespondApiFixture api) => api.Services.GetRequiredService<WebhookDispatcher>().DeliverDueAsync(CancellationToken.None);

    [SkippableFact]
    public async Task AlertRaised_IsPostedSigned_AndTheReferenceVerifierAcceptsIt()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var api = Host();
        var (subscriptionId, secret) = await SubscribeAsync(api, receiver.Url);

        await RaiseAlertsAsync(api, 1);
        var request = await receiver.NthAsync(1);

        // The package's verifier: signature over id, timestamp and body with the secret, timestamp within its tolerance.
        new StandardWebhook(secret).Verify(request.Body, Headers(request));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(WebhookSecrets.NewSecret()).Verify(request.Body, Headers(request)));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(secret).Verify(request.Body.Replace("HIGH", "LOW"), Headers(request)));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/respond", request.Path);
        var body = request.Json;
        Assert.Equal("alert.raised", body.Str("type"));
        Assert.Equal("org-a", body.Str("organizationId"));
        Assert.Equal("Failed sign-in hook-1", body.Str("data.title"));
        Assert.Equal("HIGH", body.Str("data.severity"));
        var messages = await MessagesAsync(api, subscriptionId);
        var message = Assert.Single(messages);
        Assert.Equal(request.Header("webhook-id"), message!.Str("id"));
        await WaitUntilAsync(api, subscriptionId, m => m.Str("status") == "DELIVERED");
    }

    [SkippableFact]
    public async Task ActionNeedingApproval_RequestedDecidedAndEachActionStatus_ReachTheSubscriber()
    {
        await using var receiver = await Receiver.StartAsync();
        // Real time here: the approved action runs through the scheduler to its end.
        await using var api = ActionScenario.Host(database).With("Respond:Webhooks:AllowPlainHttp", "true");
        await SubscribeAsync(api, receiver.Url, events: [WebhookEventTypes.ApprovalRequested, WebhookEventTypes.ApprovalDecided, WebhookEventTypes.ActionUpdated]);
        await api.ReadyAsync();

        var submitted = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-a1"));
        var requestId = submitted.Str("data.submitResponseAction.approvalRequest.id");
        var actionId = submitted.Str("data.submitResponseAction.responseAction.id");
        Assert.Empty((await api.DecideAsync("approver-a", requestId)).Errors("approveRequest"));

        static IEnumerable<JsonObject> Of(IReadOnlyList<RecordedRequest> received, string type) => received.Select(r => r.Json).Where(j => j.Str("type") == type);
        // Messages are not ordered (docs/partners.md): wait for the last of each kind, not for COMPLETED alone.
        static bool HasStatus(IReadOnlyList<RecordedRequest> r, string status) => Of(r, "action.updated").Any(j => j.Str("data.status") == status);
        await receiver.UntilAsync(r => HasStatus(r, "PENDING_APPROVAL") && HasStatus(r, "COMPLETED") && Of(r, "approval.requested").Any() && Of(r, "approval.decided").Any());
        lock (receiver.Received)
        {
            var requested = Assert.Single(Of(receiver.Received, "approval.requested"));
            Assert.Equal((requestId, "PENDING", "responder-a"), (requested.Str("data.id"), requested.Str("data.status"), requested.Str("data.requestedBy")));
            var decided = Assert.Single(Of(receiver.Received, "approval.decided"));
            Assert.Equal((requestId, "APPROVED", "approver-a"), (decided.Str("data.id"), decided.Str("data.status"), decided.Str("data.decidedBy")));
            var statuses = Of(receiver.Received, "action.updated").Where(j => j.Str("data.id") == actionId).Select(j => j.Str("data.status")).Distinct().ToList();
            Assert.Contains("PENDING_APPROVAL", statuses);
            Assert.Contains("COMPLETED", statuses);
            Assert.Equal(receiver.Received.Count, receiver.Received.Select(r => r.Header("webhook-id")).Distinct().Count());
        }
    }

    [SkippableFact]
    public async Task ApprovalEscalated_StepFires_TheSubscriberReceivesApprovalEscalated()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var api = Host();
        await SubscribeAsync(api, receiver.Url, events: [WebhookEventTypes.ApprovalEscalated]);
        await api.ReadyAsync();
        var policy = await api.GraphQLAsync("admin-a", "mutation($input: UpdateApprovalPoliciesInput!) { updateApprovalPolicies(input: $input) { errors { code message } } }", new
        {
            input = new
            {
                organizationId = "org-a",
                policies = new[] { new { type = "ISOLATE_DEVICE", approvalsRequired = 1, approvers = new[] { "approver-a" }, escalation = new[] { new { afterMinutes = 15, notify = new[] { "admin-a" } } }, timeoutMinutes = 45 } },
            },
        });
        Assert.Empty(policy.Errors("updateApprovalPolicies"));
        var requestId = (await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-a1"))).Str("data.submitResponseAction.approvalRequest.id");

        // The escalation step's job body, run once its time has come on the fake clock (ApprovalEscalationTests drives Quartz itself).
        _time.Advance(TimeSpan.FromMinutes(15));
        await api.Services.GetRequiredService<Respond.Server.Features.Approvals.ApprovalEscalations>().EscalateAsync(requestId, CancellationToken.None);
        await DispatchAsync(api);
        var escalated = (await receiver.NthAsync(1)).Json;

        Assert.Equal(("approval.escalated", requestId, "PENDING"), (escalated.Str("type"), escalated.Str("data.id"), escalated.Str("data.status")));
        Assert.Equal(1, receiver.Count);
    }

    [SkippableFact]
    public async Task FailingReceiver_GetsTheSameMessageAgainAfterEachBackoff_UntilItAnswers2xx()
    {
        await using var receiver = await Receiver.StartAsync(500, 503, 500);
        await using var api = Host();
        var (subscriptionId, _) = await SubscribeAsync(api, receiver.Url);
        await RaiseAlertsAsync(api, 1);
        var first = await receiver.NthAsync(1);
        await WaitUntilAsync(api, subscriptionId, m => m["attemptCount"]!.GetValue<int>() == 1);

        // Backoff: nothing is due before the first retry delay (10 s), then 20 s, then 40 s.
        foreach (var (early, due, n) in new[] { (9, 1, 2), (19, 1, 3), (39, 1, 4) })
        {
            _time.Advance(TimeSpan.FromSeconds(early));
            Assert.Equal(0, await DispatchAsync(api));
            Assert.Equal(n - 1, receiver.Count);
            _time.Advance(TimeSpan.FromSeconds(due));
            await DispatchAsync(api);
            await receiver.NthAsync(n);
            await WaitUntilAsync(api, subscriptionId, m => m["attemptCount"]!.GetValue<int>() == n);
        }

        Assert.All(receiver.Received, r => Assert.Equal(first.Header("webhook-id"), r.Header("webhook-id")));
        Assert.Equal(first.Body, receiver.Received[^1].Body);
        var message = await WaitUntilAsync(api, subscriptionId, m => m.Str("status") == "DELIVERED");
        Assert.Equal([500, 503, 500, 200], message["attempts"]!.AsArray().Select(a => a!["statusCode"]!.GetValue<int>()));
        Assert.Equal(4, receiver.Count);
    }

    [SkippableFact]
    public async Task RotatedSecret_BothSecretsSignDuringTheOverlap_ThenOnlyTheNewOne()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var api = Host().With("Respond:Webhooks:SecretOverlap", "00:10:00");
        var (subscriptionId, oldSecret) = await SubscribeAsync(api, receiver.Url);
        var rotated = await api.GraphQLAsync("admin-a", $$"""mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { subscription { {{SubscriptionFields}} } secret errors { code } } }""", new { id = subscriptionId });
        Assert.Empty(rotated.Errors("rotateWebhookSecret"));
        var newSecret = rotated.Str("data.rotateWebhookSecret.secret");
        Assert.NotEqual(oldSecret, newSecret);

        await RaiseAlertsAsync(api, 1);
        var during = await receiver.NthAsync(1);
        var signatures = during.Header("webhook-signature")!.Split(' ');
        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(during.Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture));
        // The new secret's signature comes first: the package's verifier (1.1.2) checks only the first of several.
        new StandardWebhook(newSecret).Verify(during.Body, Headers(during));
        Assert.Equal([new StandardWebhook(newSecret).Sign(during.Header("webhook-id")!, at, during.Body), new StandardWebhook(oldSecret).Sign(during.Header("webhook-id")!, at, during.Body)],
            signatures);

        _time.Advance(TimeSpan.FromMinutes(11));
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("hook-after")]);
        await DispatchAsync(api);
        var after = await receiver.NthAsync(2);
        Assert.Single(after.Header("webhook-signature")!.Split(' '));
        // The verifier checks the timestamp against the real clock, which the fake one has left behind: compare the signature itself.
        var timestamp = long.Parse(after.Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new StandardWebhook(newSecret).Sign(after.Header("webhook-id")!, DateTimeOffset.FromUnixTimeSeconds(timestamp), after.Body), after.Header("webhook-signature"));
    }

    [SkippableFact]
    public async Task ReceiverThatKeepsFailing_IsDisabledWithAnAlertAndAnAuditEntry_AndAMessageCanBeReplayed()
    {
        await using var receiver = await Receiver.StartAsync([.. Enumerable.Repeat(500, 10)]);
        await using var api = Host().With("Respond:Webhooks:MaxAttempts", "1").With("Respond:Webhooks:DisableAfterFailedMessages", "2");
        var (subscriptionId, _) = await SubscribeAsync(api, receiver.Url);

        await RaiseAlertsAsync(api, 2);
        await receiver.NthAsync(2);
        var subscription = await WaitForSubscriptionAsync(api, subscriptionId, s => !s["enabled"]!.GetValue<bool>());

        Assert.Contains("2 messages in a row", subscription.Str("disabledReason"));
        Assert.All(await MessagesAsync(api, subscriptionId), m => Assert.Equal("FAILED", m!.Str("status")));
        var alerts = await api.GraphQLAsync("admin-a", "{ alerts(first: 50) { items { title ruleId organizationId } } }");
        Assert.Single(alerts.At("data.alerts.items").AsArray(), a => a!.Str("ruleId") == Respond.Server.Features.Alerts.SystemAlerts.WebhooksRule && a!.Str("organizationId") == "org-a");
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(first: 50, where: { action: \"webhook.disabled\" }) { items { subjectId actorId } } }");
        Assert.Equal(subscriptionId, Assert.Single(audit.At("data.auditTrail.items").AsArray())!.Str("subjectId"));

        // Enabled again, a given-up message is sent again with its id; the receiver answers 200 from now on.
        receiver.Server.Handler = r => { lock (receiver.Received) receiver.Received.Add(r); return new FakeResponse(200); };
        var enabled = await api.GraphQLAsync("admin-a", "mutation($id: ID!) { updateWebhookSubscription(input: { id: $id, enabled: true }) { subscription { enabled consecutiveFailures } errors { code } } }", new { id = subscriptionId });
        Assert.Equal(0, enabled.At("data.updateWebhookSubscription.subscription.consecutiveFailures").GetValue<int>());
        var messageId = (await MessagesAsync(api, subscriptionId))[0]!.Str("id");
        var replayed = await api.GraphQLAsync("admin-a", "mutation($id: ID!) { replayWebhookMessage(input: { id: $id }) { message { id status } errors { code message } } }", new { id = messageId });
        Assert.Empty(replayed.Errors("replayWebhookMessage"));
        await DispatchAsync(api);
        await WaitUntilAsync(api, subscriptionId, m => m.Str("id") == messageId && m.Str("status") == "DELIVERED");
        Assert.Equal(messageId, receiver.Received[^1].Header("webhook-id"));
    }

    [SkippableFact]
    public async Task LoopbackReceiver_IsRefusedUnlessTheOutboundPolicyAllowsIt()
    {
        await using var api = Host().WithoutLoopbackAllowance();

        var refused = await api.GraphQLAsync("admin-a", "mutation { createWebhookSubscription(input: { organizationId: \"org-a\", url: \"http://127.0.0.1:9/hook\", events: [\"alert.raised\"] }) { subscription { id } errors { code path } } }");
        var metadata = await api.GraphQLAsync("admin-a", "mutation { createWebhookSubscription(input: { organizationId: \"org-a\", url: \"http://169.254.169.254/latest\", events: [\"alert.raised\"] }) { subscription { id } errors { code path } } }");

        Assert.Equal("OUTBOUND_ADDRESS_REFUSED", refused.Errors("createWebhookSubscription")[0]!.Str("code"));
        Assert.Equal(["input", "url"], refused.Errors("createWebhookSubscription")[0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("OUTBOUND_ADDRESS_REFUSED", metadata.Errors("createWebhookSubscription")[0]!.Str("code"));
        var list = await api.GraphQLAsync("admin-a", "{ webhookSubscriptions { id } }");
        Assert.Empty(list.At("data.webhookSubscriptions").AsArray());
    }

    [SkippableFact]
    public async Task Subscriptions_StayInTheirOrganization_AndNeedAnAdministrator()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var api = Host();
        var (mine, _) = await SubscribeAsync(api, receiver.Url);
        var (theirs, _) = await SubscribeAsync(api, receiver.Url + "/b", client: "admin-b", org: "org-b");

        // A second tenant's admin neither sees, changes, rotates, deletes nor subscribes to org-a.
        Assert.DoesNotContain(mine, (await api.GraphQLAsync("admin-b", "{ webhookSubscriptions { id } }")).At("data.webhookSubscriptions").AsArray().Select(s => s!.Str("id")));
        Assert.Equal("NOT_FOUND", (await api.GraphQLAsync("admin-b", "mutation($id: ID!) { updateWebhookSubscription(input: { id: $id, url: \"https://attacker.example/\" }) { errors { code } } }", new { id = mine })).Errors("updateWebhookSubscription")[0]!.Str("code"));
        Assert.Equal("NOT_FOUND", (await api.GraphQLAsync("admin-b", "mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret errors { code } } }", new { id = mine })).Errors("rotateWebhookSecret")[0]!.Str("code"));
        Assert.Equal("NOT_FOUND", (await api.GraphQLAsync("admin-b", "mutation($id: ID!) { deleteWebhookSubscription(input: { id: $id }) { errors { code } } }", new { id = mine })).Errors("deleteWebhookSubscription")[0]!.Str("code"));
        Assert.Equal("NOT_FOUND", (await api.GraphQLAsync("admin-b", "mutation { createWebhookSubscription(input: { organizationId: \"org-a\", url: \"https://attacker.example/\", events: [\"alert.raised\"] }) { errors { code } } }")).Errors("createWebhookSubscription")[0]!.Str("code"));
        Assert.NotNull((await api.GraphQLAsync("admin-b", "query($id: ID!) { webhookMessages(subscriptionId: $id) { id } }", new { id = mine }))["errors"]);
        // Only an administrator of every organization subscribes to all of them; other roles not at all.
        Assert.Equal("FORBIDDEN", (await api.GraphQLAsync("admin-a", "mutation { createWebhookSubscription(input: { url: \"https://partner.example/\", events: [\"alert.raised\"] }) { errors { code } } }")).Errors("createWebhookSubscription")[0]!.Str("code"));
        Assert.Equal("FORBIDDEN", (await api.GraphQLAsync("responder-a", "{ webhookSubscriptions { id } }")).At("errors.0.extensions.code").GetValue<string>());
        Assert.Equal("VALIDATION", (await api.GraphQLAsync("admin-a", "mutation { createWebhookSubscription(input: { organizationId: \"org-a\", url: \"https://partner.example/\", events: [\"alert.deleted\"] }) { errors { code message } } }")).Errors("createWebhookSubscription")[0]!.Str("code"));

        await RaiseAlertsAsync(api, 1);
        await receiver.NthAsync(1);
        Assert.Single(await MessagesAsync(api, mine));
        Assert.Empty(await MessagesAsync(api, theirs, client: "admin-b"));
        var refusals = await api.GraphQLAsync("admin", "{ auditTrail(first: 50, where: { action: \"authorization.refused\" }) { items { actorId } } }");
        Assert.Contains(refusals.At("data.auditTrail.items").AsArray(), e => e!.Str("actorId") == "admin-b");
    }

    /// <summary>Reads the subscription's messages after each saved attempt until one satisfies <paramref name="condition"/> (bounded).</summary>
    private static Task<JsonNode> WaitUntilAsync(RespondApiFixture api, string subscriptionId, Func<JsonNode, bool> condition) =>
        AfterAttemptsAsync(api, async () => (await MessagesAsync(api, subscriptionId)).FirstOrDefault(m => condition(m!)), "No message reached the expected state");

    private static Task<JsonNode> WaitForSubscriptionAsync(RespondApiFixture api, string id, Func<JsonNode, bool> condition) =>
        AfterAttemptsAsync(api, async () =>
        {
            var list = await api.GraphQLAsync("admin-a", $$"""{ webhookSubscriptions { {{SubscriptionFields}} } }""");
            return list.At("data.webhookSubscriptions").AsArray().FirstOrDefault(s => s!.Str("id") == id && condition(s!));
        }, "The subscription did not reach the expected state");

    /// <summary>Runs <paramref name="read"/> now and after every attempt the dispatcher saves, until it finds something; a minute at most.</summary>
    private static async Task<JsonNode> AfterAttemptsAsync(RespondApiFixture api, Func<Task<JsonNode?>> read, string failure)
    {
        var dispatcher = api.Services.GetRequiredService<WebhookDispatcher>();
        using var saved = new SemaphoreSlim(0);
        void Released() => saved.Release();
        dispatcher.AttemptSaved += Released;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (true)
            {
                if (await read() is { } found) return found;
                try
                {
                    await saved.WaitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new Xunit.Sdk.XunitException(failure + ".");
                }
            }
        }
        finally
        {
            dispatcher.AttemptSaved -= Released;
        }
    }

    public sealed class OnSqlite() : WebhookDeliveryTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : WebhookDeliveryTests(TestDatabase.PostgreSql);
}
