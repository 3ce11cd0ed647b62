using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Respond.Server.Connectors.Outbound;

/// <summary>
/// The <c>Respond:Outbound</c> configuration section: which addresses connectors and webhooks may call beyond the
/// public internet (docs/configuration.md, docs/connectors.md).
/// </summary>
public sealed class OutboundOptions : IValidatableObject
{
    public const string Section = "Respond:Outbound";

    /// <summary>CIDR blocks (or single addresses) that may be called although they are loopback, private, link-local...; blank entries are ignored.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Allows private networks (RFC 1918, carrier-grade NAT, IPv6 unique-local); never loopback or link-local.</summary>
    public bool AllowPrivateNetworks { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        AllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n) && !TryParseNetwork(n, out _))
            .Select(n => new ValidationResult($"'{n}' is not a CIDR block such as 10.20.0.0/16 or fd12:3456::/48.", [nameof(AllowedNetworks)]));

    internal static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        var value = text?.Trim() ?? "";
        if (IPNetwork.TryParse(value, out network)) return true;
        if (!IPAddress.TryParse(value, out var single)) return false;
        network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
