using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Chat;

/// <summary>
/// An approval request as an Adaptive Card in the envelope a Teams Workflows incoming webhook takes: the evidence and an
/// <c>Action.OpenUrl</c> to the decision page (the Bot Framework is not available, so the decision itself is made there,
/// signed in).
/// </summary>
public static class TeamsApprovalCard
{
    public static JsonObject Build(ApprovalEvidence evidence) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray
        {
            new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = new JsonObject
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = new JsonArray
                    {
                        new JsonObject { ["type"] = "TextBlock", ["text"] = evidence.Heading, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                        new JsonObject
                        {
                            ["type"] = "FactSet",
                            ["facts"] = new JsonArray
                            {
                                Fact("Rule", evidence.RuleName ?? "(none: submitted by a person)"),
                                Fact("Alert", evidence.AlertTitle ?? "(none)"),
                                Fact("Action", string.Join("; ", evidence.Actions)),
                                Fact("Requested by", evidence.RequestedBy),
                                Fact("Approvals", $"{evidence.ApprovalsReceived} of {evidence.ApprovalsRequired}"),
                                Fact("Expires", evidence.ExpiresAt.ToString("u")),
                            },
                        },
                    },
                    ["actions"] = new JsonArray
                    {
                        new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open to decide", ["url"] = evidence.DecisionPage.AbsoluteUri },
                    },
                },
            },
        },
    };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}

/// <summary>Posts cards to a Teams Workflows webhook through the outbound-guarded client.</summary>
public sealed class TeamsClient(IHttpClientFactory clients, ChatSecrets secrets, IOptions<ChatOptions> options)
{
    public async Task PostAsync(TeamsIntegration teams, JsonObject card, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.CallTimeout);
        using var response = await clients.CreateClient(OutboundFeature.ClientName)
            .PostAsync(secrets.Unprotect(teams.WebhookUrlProtected), JsonContent.Create(card), timeout.Token);
        if (!response.IsSuccessStatusCode) throw new ChatDeliveryException($"Teams answered HTTP {(int)response.StatusCode}.");
    }
}
