using Respond.Server.Connectors.Graph;
using Respond.Server.Connectors.Webhook;
using Respond.Server.Connectors.Agents;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Organizations;

namespace Respond.Server.Connectors;

public static class ConnectorsFeature
{
    public static IServiceCollection AddConnectors(this IServiceCollection services)
    {
        services.AddOutbound();
        services.AddOptions<ConnectorsOptions>().BindConfiguration(ConnectorsOptions.Section);
        services.AddSingleton<SimulatedConnectorPolicy>();
        services.AddSingleton<ConnectionSettingsReader>();
        services.AddSingleton<IConnector, SimulatedConnector>();
        services.AddSingleton<IConnector, GraphConnector>();
        services.AddSingleton<IConnector, WebhookConnector>();
        services.AddScoped<WebhookReplayGuard>();
        services.AddAgents();
        return services;
    }

    /// <summary>The HTTP endpoints connectors receive results on (anonymous, authenticated by their own signatures).</summary>
    public static IEndpointRouteBuilder MapConnectors(this IEndpointRouteBuilder app)
    {
        app.MapWebhookCallbacks();
        return app;
    }
}
