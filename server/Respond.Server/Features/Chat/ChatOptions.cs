using System.ComponentModel.DataAnnotations;

namespace Respond.Server.Features.Chat;

/// <summary>The <c>Respond:Chat</c> section: how approval messages reach Slack and Teams (docs/configuration.md).</summary>
public sealed class ChatOptions
{
    public const string Section = "Respond:Chat";

    /// <summary>Allows http:// Slack API base URLs and Teams webhook URLs (default: https only; a local fake Slack in tests).</summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>How far a Slack request's timestamp may be from now, either way, before it is refused (Slack's advice: 5 minutes).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call to Slack or Teams may take.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid => SignatureTolerance > TimeSpan.Zero && CallTimeout > TimeSpan.Zero;
}
