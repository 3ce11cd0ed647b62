using System.Text.Json.Nodes;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Chat;

/// <summary>
/// An approval request as a Slack message (Block Kit): the evidence, Approve and Reject buttons whose <c>value</c> is the
/// request id, and a button opening the decision page. A click reaches <see cref="SlackInteractions"/>, which decides as
/// the clicking Slack user's linked Respond user, or explains why not.
/// </summary>
public static class SlackApprovalMessage
{
    public const string ApproveAction = "respond_approve";
    public const string RejectAction = "respond_reject";
    public const string OpenAction = "respond_open";

    public static JsonObject Build(string channel, ApprovalEvidence evidence, IReadOnlyList<string> mentionSlackUserIds)
    {
        var fields = new JsonArray
        {
            Field("Rule", evidence.RuleName ?? "(none: submitted by a person)"),
            Field("Alert", evidence.AlertTitle ?? "(none)"),
            Field("Action", string.Join("\n", evidence.Actions)),
            Field("Requested by", evidence.RequestedBy),
            Field("Approvals", $"{evidence.ApprovalsReceived} of {evidence.ApprovalsRequired}"),
            Field("Expires", $"<!date^{evidence.ExpiresAt.ToUnixTimeSeconds()}^{{date_short_pretty}} {{time}}|{evidence.ExpiresAt:u}>"),
        };
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Truncate(evidence.Heading, 150)) },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
            new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "respond_decision",
                ["elements"] = new JsonArray
                {
                    new JsonObject { ["type"] = "button", ["action_id"] = ApproveAction, ["style"] = "primary", ["text"] = PlainText("Approve"), ["value"] = evidence.RequestId },
                    new JsonObject { ["type"] = "button", ["action_id"] = RejectAction, ["style"] = "danger", ["text"] = PlainText("Reject"), ["value"] = evidence.RequestId },
                    new JsonObject { ["type"] = "button", ["action_id"] = OpenAction, ["text"] = PlainText("Open in Respond"), ["url"] = evidence.DecisionPage.AbsoluteUri },
                },
            },
        };
        if (mentionSlackUserIds.Count > 0)
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = "For: " + string.Join(" ", mentionSlackUserIds.Select(u => $"<@{u}>")) } },
            });
        return new JsonObject
        {
            ["channel"] = channel,
            ["text"] = $"{evidence.Heading} ({evidence.ApprovalsReceived} of {evidence.ApprovalsRequired} approvals) {evidence.DecisionPage.AbsoluteUri}",
            ["blocks"] = blocks,
        };
    }

    /// <summary>Slack's mrkdwn needs &amp;, &lt; and &gt; escaped, so text from rules and events cannot forge links or mentions.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Field(string label, string value) => new() { ["type"] = "mrkdwn", ["text"] = $"*{label}*\n{(label == "Expires" ? value : Escape(Truncate(value, 1000)))}" };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
