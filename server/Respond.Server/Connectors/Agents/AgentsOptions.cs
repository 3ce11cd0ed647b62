namespace Respond.Server.Connectors.Agents;

/// <summary>The <c>Respond:Agents</c> configuration section (docs/agent-protocol.md).</summary>
public sealed class AgentsOptions
{
    public const string Section = "Respond:Agents";

    /// <summary>A channel with no message for this long is closed: agents heartbeat every 15 s by default.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long ExecuteAsync/VerifyAsync wait for a result unless the connection's settings say <c>commandTimeoutSeconds</c>.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The connection check is healthy when an agent is connected or was seen within this long.</summary>
    public TimeSpan RecentlySeen { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    internal bool IsValid =>
        IdleTimeout > TimeSpan.Zero && CommandTimeout > TimeSpan.Zero && RecentlySeen > TimeSpan.Zero
        && DefaultTokenLifetime > TimeSpan.Zero && MaxTokenLifetime >= DefaultTokenLifetime;
}
