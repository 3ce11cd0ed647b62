using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Notifications;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Features.Chat;

/// <summary>
/// A posted Slack message follows its request: each change (an approval towards a quorum, the decision) rewrites it with
/// <c>chat.update</c>, and a decided request's message has no Approve or Reject button left and says how it ended.
/// </summary>
public abstract partial class SlackApprovalTests
{
    private const string PostedTs = "1700000000.000100";

    /// <summary>Slack's answers as the real API gives them: a post returns its conversation and timestamp.</summary>
    private void SlackAnswersPostsAndUpdates(Func<FakeResponse>? update = null) =>
        _slack.Handler = r => r.Path switch
        {
            "/api/chat.postMessage" => new FakeResponse(200, new { ok = true, channel = r.Json.Str("channel"), ts = PostedTs }),
            "/api/chat.update" => update?.Invoke() ?? new FakeResponse(200, new { ok = true }),
            _ => new FakeResponse(200),
        };

    private List<JsonObject> Updates => _slack.Requests.Where(r => r.Path == "/api/chat.update").Select(r => r.Json).ToList();

    private static List<string?> ButtonActions(JsonObject message) =>
        message["blocks"]!.AsArray().Where(b => b!.Str("type") == "actions").SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!["action_id"]?.GetValue<string>()).ToList();

    [SkippableFact]
    public async Task RequestApprovedThroughTheApi_TheChannelMessageShowsEachApprovalThenTheDecisionWithoutButtons()
    {
        var policy = await _api.GraphQLAsync("admin-a", "mutation($input: UpdateApprovalPoliciesInput!) { updateApprovalPolicies(input: $input) { errors { code message } } }",
            new { input = new { organizationId = "org-a", policies = new[] { new { type = "ISOLATE_DEVICE", approvalsRequired = 2 } } } });
        Assert.Empty(policy.Errors("updateApprovalPolicies"));
        await UserAsync("ann", ["Approver"]);
        SlackAnswersPostsAndUpdates();
        var updater = _api.Services.GetRequiredService<PostedSlackMessageUpdater>();
        var requestId = await SubmitIsolateAsync();
        await _api.Services.GetRequiredService<ApprovalNotificationDispatcher>().SendDueAsync(CancellationToken.None);
        await updater.UpdateDueAsync(CancellationToken.None);
        var untilChanged = Updates.Count;

        Assert.Empty((await _api.DecideAsync("approver-a", requestId)).Errors("approveRequest"));
        await updater.UpdateDueAsync(CancellationToken.None);
        var afterFirst = Updates;
        Assert.Empty((await _api.DecideAsync("ann", requestId)).Errors("approveRequest"));
        await updater.UpdateDueAsync(CancellationToken.None);
        await updater.UpdateDueAsync(CancellationToken.None);
        var updates = Updates;

        Assert.Equal(0, untilChanged);
        var counted = Assert.Single(afterFirst);
        Assert.Equal(("C0APPROVALS", PostedTs), (counted.Str("channel"), counted.Str("ts")));
        Assert.Contains("1 of 2", counted["blocks"]!.ToJsonString());
        Assert.Equal(["respond_approve", "respond_reject", "respond_open"], ButtonActions(counted));
        Assert.Equal(2, updates.Count);
        var decided = updates[1];
        Assert.Equal(("C0APPROVALS", PostedTs), (decided.Str("channel"), decided.Str("ts")));
        Assert.Equal(["respond_open"], ButtonActions(decided));
        var outcome = decided["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == "respond_outcome")!.At("text.text").GetValue<string>();
        var approvers = (await RequestAsync(requestId))["decisions"]!.AsArray().Select(d => d!.Str("byName")).ToList();
        Assert.StartsWith($"*Approved* by {string.Join(", ", approvers)} <!date^", outcome);
        Assert.Equal("Bearer " + BotToken, _slack.Requests.Last(r => r.Path == "/api/chat.update").Header("Authorization"));
    }

    [SkippableFact]
    public async Task SlackRefusingTheUpdate_RetriedWithDoublingDelaysThenGivenUp_TheDecisionStands()
    {
        SlackAnswersPostsAndUpdates(() => new FakeResponse(200, new { ok = false, error = "message_not_found" }));
        var updater = _api.Services.GetRequiredService<PostedSlackMessageUpdater>();
        var requestId = await SubmitIsolateAsync();
        await _api.Services.GetRequiredService<ApprovalNotificationDispatcher>().SendDueAsync(CancellationToken.None);
        Assert.Empty((await _api.DecideAsync("approver-a", requestId, approve: false)).Errors("rejectRequest"));

        var attempts = new List<int>();
        async Task PassAsync(TimeSpan after)
        {
            _time.Advance(after);
            await updater.UpdateDueAsync(CancellationToken.None);
            attempts.Add(Updates.Count);
        }
        await PassAsync(TimeSpan.Zero);
        await PassAsync(TimeSpan.FromSeconds(9));
        await PassAsync(TimeSpan.FromSeconds(1));
        foreach (var delay in new[] { 20, 40, 80 }) await PassAsync(TimeSpan.FromSeconds(delay));
        var status = (await RequestAsync(requestId)).Str("status");
        await PassAsync(TimeSpan.FromHours(1));

        // The notifications' delays (10 s, doubling) and attempts (5): due at 0, 10, 30, 70 and 150 s, then no more.
        Assert.Equal([1, 1, 2, 3, 4, 5, 5], attempts);
        Assert.Equal("REJECTED", status);
    }
}
