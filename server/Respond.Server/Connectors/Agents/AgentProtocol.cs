using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Respond.Server.Connectors.Agents;

/// <summary>Server → agent: do (execute) or check (verify) one response action. docs/agent-protocol.md has the formats.</summary>
internal sealed record AgentCommandMessage(
    string CommandId, string ActionId, string Kind, string ActionType, ActionTarget Target, JsonObject Parameters, JsonObject? Facts)
{
    public string Type => "command";
}

public sealed record EnrollAgentRequest(string? Token, string? DeviceId, string? Hostname, string? Os);

public sealed record EnrollAgentResponse(string AgentId, string AgentSecret, string OrganizationId, string DeviceId);

/// <summary>The wire format both ways: camelCase JSON, nulls left out, one message per WebSocket text frame.</summary>
internal static class AgentProtocol
{
    public const string Execute = "execute";
    public const string Verify = "verify";

    /// <summary>Larger messages close the channel (1009): results carry details and facts, never file contents.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>An agent → server message, or null when it is not one we understand (ignored, never fatal).</summary>
    public static AgentMessage? Parse(ReadOnlySpan<byte> utf8)
    {
        JsonObject? message;
        try
        {
            message = JsonNode.Parse(utf8) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (message is null) return null;
        var commandId = Text(message, "commandId");
        return Text(message, "type") switch
        {
            "heartbeat" => new AgentMessage.Heartbeat(),
            "ack" when commandId is not null => new AgentMessage.Ack(commandId),
            "result" when commandId is not null => new AgentMessage.Result(commandId, new AgentAnswer.Replied(
                Flag(message, "succeeded"),
                Text(message, "details") is { Length: > 0 } details ? Truncate(details, 2000) : "(the agent gave no details)",
                message["facts"] as JsonObject is { } facts ? (JsonObject)facts.DeepClone() : null,
                Flag(message, "transient"))),
            _ => null,
        };
    }

    private static string? Text(JsonObject message, string key) =>
        message[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Flag(JsonObject message, string key) =>
        message[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

internal abstract record AgentMessage
{
    private AgentMessage() { }

    public sealed record Heartbeat : AgentMessage;

    public sealed record Ack(string CommandId) : AgentMessage;

    public sealed record Result(string CommandId, AgentAnswer.Replied Reply) : AgentMessage;
}
