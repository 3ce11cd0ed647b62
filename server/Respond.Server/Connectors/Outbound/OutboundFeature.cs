using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Respond.Server.Connectors.Outbound;

public static class OutboundFeature
{
    /// <summary>The named HttpClient every connector sends with.</summary>
    public const string ClientName = "connectors";

    /// <summary>
    /// Registers the outbound address policy and the guarded HttpClient. No proxy is used: the guard must see the
    /// address it connects to, which a proxy would hide.
    /// </summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services)
    {
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IHostNameResolver, DnsHostNameResolver>();
        services.AddSingleton<OutboundAddressPolicy>();
        services.AddSingleton<OutboundAddressGuard>();
        services.AddHttpClient(ClientName).ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
        {
            ConnectCallback = sp.GetRequiredService<OutboundAddressGuard>().ConnectAsync,
            UseProxy = false,
            MaxAutomaticRedirections = 5,
        });
        return services;
    }
}
