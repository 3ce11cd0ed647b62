using System.ComponentModel.DataAnnotations;

namespace Respond.Server.Identity;

/// <summary>`Respond:Identity:AccessTokens`: how long an access token is valid (a WebSocket opened with it closes then, 4403).</summary>
public sealed class AccessTokenOptions
{
    public const string Section = "Respond:Identity:AccessTokens";

    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")] public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}
