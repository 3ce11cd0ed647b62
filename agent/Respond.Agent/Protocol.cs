using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Respond.Agent;

/// <summary>What a response action acts on (the server's ActionTarget); which members are set depends on the type.</summary>
public sealed record Target(string? DeviceId, string? UserId, string? Ip, int? ProcessId, string? FilePath, string? FileSha256);

/// <summary>Server → agent. <c>Kind</c> is "execute" or "verify"; verify carries the execution's facts.</summary>
public sealed record Command(string CommandId, string ActionId, string Kind, string ActionType, Target Target, JsonObject? Parameters, JsonObject? Facts)
{
    public bool IsVerify => Kind == "verify";

    public string? Parameter(string key) =>
        Parameters?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public string? Fact(string key) =>
        Facts?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// The agent's answer to one command. For "execute", <c>Succeeded</c> means done; for "verify", it means the effect is in
/// place. A refusal is a permanent failure: retrying the same command would be refused again.
/// </summary>
public sealed record Answer(bool Succeeded, string Details, JsonObject? Facts = null, bool Transient = false)
{
    public static Answer Done(string details, JsonObject? facts = null) => new(true, details, facts);

    public static Answer Failed(string details, JsonObject? facts = null) => new(false, details, facts);

    /// <summary>The verify answer when the agent cannot tell (the server records "not verifiable", not a failed check).</summary>
    public static Answer Unverifiable(string details) => new(false, details, new JsonObject { ["verifiable"] = false });
}

public static class Protocol
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Ack(string commandId) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "ack", commandId }, Json);

    public static byte[] Heartbeat(DateTimeOffset at) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "heartbeat", at }, Json);

    public static byte[] Result(string commandId, Answer answer) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "result",
            commandId,
            succeeded = answer.Succeeded,
            details = answer.Details,
            facts = answer.Facts,
            transient = answer.Transient ? true : (bool?)null,
        }, Json);

    /// <summary>A command, or null for anything else (other message types are ignored, so the server can add some).</summary>
    public static Command? ParseCommand(ReadOnlySpan<byte> utf8)
    {
        try
        {
            if (JsonNode.Parse(utf8) is not JsonObject message || message["type"]?.GetValue<string>() != "command") return null;
            var command = message.Deserialize<Command>(Json);
            return command is { CommandId.Length: > 0, ActionId: not null, Kind: "execute" or "verify", ActionType: not null, Target: not null } ? command : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
