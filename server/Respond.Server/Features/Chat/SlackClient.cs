using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Respond.Server.Connectors.Outbound;

namespace Respond.Server.Features.Chat;

/// <summary>
/// Calls Slack's Web API (<c>chat.postMessage</c>) and interaction <c>response_url</c>s through the outbound-guarded
/// client, so a configured base URL or a response URL cannot reach loopback or private addresses the policy refuses.
/// </summary>
public sealed class SlackClient(IHttpClientFactory clients, ChatSecrets secrets, IOptions<ChatOptions> options)
{
    /// <summary>Posts a message; throws <see cref="ChatDeliveryException"/> when Slack does not accept it (HTTP error or <c>ok: false</c>).</summary>
    public async Task PostMessageAsync(SlackIntegration slack, JsonObject message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, slack.ApiBaseUrl.TrimEnd('/') + "/chat.postMessage") { Content = JsonContent.Create(message) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secrets.Unprotect(slack.BotTokenProtected));
        using var response = await SendAsync(request, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        if (body?["ok"]?.GetValue<bool>() != true)
            throw new ChatDeliveryException($"Slack refused chat.postMessage: {body?["error"]?.GetValue<string>() ?? "no ok in the answer"}.");
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

/// <summary>A chat service did not take a message; the notification is tried again later.</summary>
public sealed class ChatDeliveryException(string message) : Exception(message);
