using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Features.Chat;

/// <summary>
/// Calls Slack's Web API (<c>chat.postMessage</c>, <c>chat.update</c>) and interaction <c>response_url</c>s through the
/// outbound-guarded client, so a configured base URL or a response URL cannot reach loopback or private addresses the
/// policy refuses.
/// </summary>
public sealed class SlackClient(IHttpClientFactory clients, ChatSecrets secrets, IOptions<ChatOptions> options)
{
    /// <summary>
    /// Posts a message and returns where Slack put it (null when its answer does not say); throws
    /// <see cref="ChatDeliveryException"/> when Slack does not accept it (HTTP error or <c>ok: false</c>).
    /// </summary>
    public async Task<SlackMessageRef?> PostMessageAsync(SlackIntegration slack, JsonObject message, CancellationToken ct)
    {
        var body = await CallAsync(slack, "chat.postMessage", message, ct);
        return body["channel"]?.GetValue<string>() is { Length: > 0 } channel && body["ts"]?.GetValue<string>() is { Length: > 0 } ts ? new SlackMessageRef(channel, ts) : null;
    }

    /// <summary>Rewrites a message the app posted (<c>chat.update</c>); throws <see cref="ChatDeliveryException"/> when Slack does not take it.</summary>
    public async Task UpdateMessageAsync(SlackIntegration slack, SlackMessageRef posted, JsonObject message, CancellationToken ct)
    {
        message["channel"] = posted.Channel;
        message["ts"] = posted.Ts;
        await CallAsync(slack, "chat.update", message, ct);
    }

    private async Task<JsonObject> CallAsync(SlackIntegration slack, string method, JsonObject message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, slack.ApiBaseUrl.TrimEnd('/') + "/" + method) { Content = JsonContent.Create(message) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secrets.Unprotect(slack.BotTokenProtected));
        using var response = await SendAsync(request, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        if (body?["ok"]?.GetValue<bool>() != true)
            throw new ChatDeliveryException($"Slack refused {method}: {body?["error"]?.GetValue<string>() ?? "no ok in the answer"}.");
        return body;
    }

    /// <summary>Answers an interaction through its <c>response_url</c> (an ephemeral message to the clicking user).</summary>
    public async Task RespondAsync(Uri responseUrl, JsonObject message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl) { Content = JsonContent.Create(message) };
        using var response = await SendAsync(request, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.CallTimeout);
        var response = await clients.CreateClient(OutboundFeature.ClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new ChatDeliveryException($"Slack answered HTTP {(int)response.StatusCode}.");
        }
        return response;
    }
}

/// <summary>A message Slack holds: the conversation's id and the message's timestamp.</summary>
public sealed record SlackMessageRef(string Channel, string Ts);

/// <summary>A chat service did not take a message; the notification is tried again later.</summary>
public sealed class ChatDeliveryException(string message) : Exception(message);
