using System.Text.Json.Nodes;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Chat;

/// <summary>
/// An approval request as a Slack message (Block Kit): the evidence, Approve and Reject buttons whose <c>value</c> is the
/// request id, and a button opening the decision page. A click reaches <see cref="SlackInteractions"/>, which decides as
/// the clicking Slack user's linked Respond user, or explains why not. Once the request has ended, the message says how
/// (<see cref="SlackApprovalOutcome"/>) and has no Approve or Reject button left.
/// </summary>
public static class SlackApprovalMessage
{
    public const string ApproveAction = "respond_approve";
    public const string RejectAction = "respond_reject";
    public const string OpenAction = "respond_open";

    public static JsonObject Build(string channel, ApprovalEvidence evidence, IReadOnlyList<string> mentionSlackUserIds, SlackApprovalOutcome? ended = null)
    {
        var fields = new JsonArray
        {
            Field("Rule", evidence.RuleName ?? "(none: submitted by a person)"),
            Field("Alert", evidence.AlertTitle ?? "(none)"),
            Field("Action", string.Join("\n", evidence.Actions)),
            Field("Requested by", evidence.RequestedBy),
            Field("Approvals", $"{evidence.ApprovalsReceived} of {evidence.ApprovalsRequired}"),
            Field("Expires", Date(evidence.ExpiresAt)),
        };
        var buttons = new JsonArray();
        if (ended is null)
        {
            buttons.Add(new JsonObject { ["type"] = "button", ["action_id"] = ApproveAction, ["style"] = "primary", ["text"] = PlainText("Approve"), ["value"] = evidence.RequestId });
            buttons.Add(new JsonObject { ["type"] = "button", ["action_id"] = RejectAction, ["style"] = "danger", ["text"] = PlainText("Reject"), ["value"] = evidence.RequestId });
        }
        buttons.Add(new JsonObject { ["type"] = "button", ["action_id"] = OpenAction, ["text"] = PlainText("Open in Respond"), ["url"] = evidence.DecisionPage.AbsoluteUri });
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Truncate(evidence.Heading, 150)) },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
        };
        if (ended is not null)
            blocks.Add(new JsonObject { ["type"] = "section", ["block_id"] = "respond_outcome", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = ended.Text } });
        blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = "respond_decision", ["elements"] = buttons });
        if (ended is null && mentionSlackUserIds.Count > 0)
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = "For: " + string.Join(" ", mentionSlackUserIds.Select(u => $"<@{u}>")) } },
            });
        return new JsonObject
        {
            ["channel"] = channel,
            ["text"] = ended is null
                ? $"{evidence.Heading} ({evidence.ApprovalsReceived} of {evidence.ApprovalsRequired} approvals) {evidence.DecisionPage.AbsoluteUri}"
                : $"{evidence.Heading}: {ended.PlainText} {evidence.DecisionPage.AbsoluteUri}",
            ["blocks"] = blocks,
        };
    }

    /// <summary>The Slack date of <paramref name="at"/>: shown in each reader's own time zone, with the UTC time as the fallback text.</summary>
    public static string Date(DateTimeOffset at) => $"<!date^{at.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time}}|{at:u}>";

    /// <summary>Slack's mrkdwn needs &amp;, &lt; and &gt; escaped, so text from rules and events cannot forge links or mentions.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Field(string label, string value) => new() { ["type"] = "mrkdwn", ["text"] = $"*{label}*\n{(label == "Expires" ? value : Escape(Truncate(value, 1000)))}" };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>
/// How a request ended, as its Slack message says it: approved or rejected by whom (<paramref name="By"/>, empty for an
/// expiry or a cancellation), expired or cancelled, and when.
/// </summary>
public sealed record SlackApprovalOutcome(ApprovalStatus Status, IReadOnlyList<string> By, DateTimeOffset? At)
{
    private string Who => By.Count > 0 ? " by " + string.Join(", ", By) : "";

    private string Verb => Status switch
    {
        ApprovalStatus.Approved => "Approved",
        ApprovalStatus.Rejected => "Rejected",
        ApprovalStatus.Expired => "Expired without a decision",
        _ => "Cancelled",
    };

    /// <summary>For the message's blocks (mrkdwn: names escaped, the time a Slack date).</summary>
    public string Text => $"*{Verb}*{SlackApprovalMessage.Escape(Who)}{(At is { } at ? " " + SlackApprovalMessage.Date(at) : "")}";

    /// <summary>For the notification text (no markup).</summary>
    public string PlainText => Verb + Who;
}
