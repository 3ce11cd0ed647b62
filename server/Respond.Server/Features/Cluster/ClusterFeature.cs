namespace Respond.Server.Features.Cluster;

/// <summary>Several nodes on one PostgreSQL database: changes announced with LISTEN/NOTIFY (docs/scale-out.md).</summary>
public static class ClusterFeature
{
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddSingleton<ClusterNoticeWriter>();
        services.AddSingleton<ClusterNoticeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterNoticeListener>());
        return services;
    }
}
