using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Respond.Server.Identity;

/// <summary>
/// Where people reach this server: <c>Respond:PublicOrigin</c>, or when that is not set the addresses Kestrel listens on
/// (a wildcard host read as <c>localhost</c>); never the request's Host header, which whoever sends the request chooses.
/// The designer's redirect URI and the links Respond sends out (decision pages in chat and mail) start here.
/// </summary>
public sealed class PublicOrigins(IOptions<PublicOriginOptions> options, IServer server)
{
    /// <summary>Each origin with a trailing slash.</summary>
    public IEnumerable<Uri> All()
    {
        if (options.Value.Origin is { } origin) return [origin];
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Select(ListeningOrigin).OfType<Uri>();
    }

    /// <summary>The origin links are made with.</summary>
    public Uri Primary => All().FirstOrDefault() ?? new Uri("http://localhost/");

    private static Uri? ListeningOrigin(string address)
    {
        var normalised = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(normalised, UriKind.Absolute, out var uri) ? new Uri(uri.GetLeftPart(UriPartial.Authority) + "/") : null;
    }
}
