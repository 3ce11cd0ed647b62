using Respond.Server.Connectors.Agents;
using Respond.Server.Features.Organizations;

namespace Respond.Server.Connectors;

public static class ConnectorsFeature
{
    public static IServiceCollection AddConnectors(this IServiceCollection services)
    {
        services.AddHttpClient("connectors");
        services.AddSingleton<ConnectionSettingsReader>();
        services.AddSingleton<IConnector, SimulatedConnector>();
        services.AddSingleton<IConnector>(sp => new HttpProbeConnector(ConnectorKind.MicrosoftGraph, "baseUrl", "clientSecret", sp.GetRequiredService<IHttpClientFactory>()));
        services.AddAgents();
        services.AddSingleton<IConnector>(sp => new HttpProbeConnector(ConnectorKind.Webhook, "url", "signingSecret", sp.GetRequiredService<IHttpClientFactory>()));
        return services;
    }
}
