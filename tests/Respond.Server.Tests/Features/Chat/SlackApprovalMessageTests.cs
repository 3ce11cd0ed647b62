using System.Text.Json.Nodes;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Chat;

namespace Respond.Server.Tests.Features.Chat;

/// <summary>How a request's Slack message reads once the request has ended (the rewrite <c>chat.update</c> sends).</summary>
public sealed class SlackApprovalMessageTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    private static readonly ApprovalEvidence Evidence = new("req-1", "org-a", "Isolate on ransomware", "Ransomware on dev-a1", ["ISOLATE_DEVICE deviceId=dev-a1"],
        "responder-a", 1, 0, At.AddHours(1), 0, new Uri("https://respond.example/approvals/req-1"));

    private static string Outcome(JsonObject message) =>
        message["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == "respond_outcome")!["text"]!["text"]!.GetValue<string>();

    private static List<string?> Actions(JsonObject message) =>
        message["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => e!["action_id"]?.GetValue<string>()).ToList();

    private static List<string> Contexts(JsonObject message) =>
        message["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "context").SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => e!["text"]!.GetValue<string>()).ToList();

    [Fact]
    public void Open_HasApproveRejectAndTheMentions_NoOutcome()
    {
        var message = SlackApprovalMessage.Build("C1", Evidence, ["UANN"]);

        Assert.Equal(["respond_approve", "respond_reject", "respond_open"], Actions(message));
        Assert.DoesNotContain("respond_outcome", message.ToJsonString());
        Assert.Equal(["For: <@UANN>"], Contexts(message));
    }

    [Fact]
    public void Expired_SaysSoWithItsTime_NoDecisionButtonsNoMentions()
    {
        var message = SlackApprovalMessage.Build("C1", Evidence, ["UANN"], new SlackApprovalOutcome(ApprovalStatus.Expired, [], At));

        Assert.Equal(["respond_open"], Actions(message));
        Assert.Equal($"*Expired without a decision* <!date^{At.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time}}|2026-12-07 10:30:00Z>", Outcome(message));
        Assert.Empty(Contexts(message));
        Assert.StartsWith("Approval requested: ISOLATE_DEVICE deviceId=dev-a1: Expired without a decision", message["text"]!.GetValue<string>());
    }

    [Fact]
    public void Rejected_ByANameHoldingMarkup_TheNameIsEscapedSoItCannotForgeALinkOrMention()
    {
        var message = SlackApprovalMessage.Build("C1", Evidence, [], new SlackApprovalOutcome(ApprovalStatus.Rejected, ["<!channel> & <https://evil.example|ann>"], At));

        Assert.StartsWith("*Rejected* by &lt;!channel&gt; &amp; &lt;https://evil.example|ann&gt; <!date^", Outcome(message));
    }
}
