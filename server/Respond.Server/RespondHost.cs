using Microsoft.AspNetCore.DataProtection;
using Respond.Server.Connectors;
using Respond.Server.Features.Actions;
using Respond.Server.Connectors.Agents;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Demo;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Cluster;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Events;
using Respond.Server.Features.Health;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.People;
using Respond.Server.Features.RuleTesting;
using Respond.Server.Features.Rules;
using Respond.Server.Features.Scripts;
using Respond.Server.Features.Settings;
using Respond.Server.Features.Templates;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Server.Features.Webhooks;
using Respond.Server.Features.Chat;
using Respond.Server.Features.Notifications;
using Respond.Server.Telemetry;

namespace Respond.Server;

/// <summary>The composition root: every feature wires itself in its own Add*/Map* call.</summary>
public static class RespondHost
{
    public const string DefaultUrls = "http://localhost:5170";

    /// <summary>
    /// Listens where `--urls`, `Urls` or `ASPNETCORE_URLS` say, else on <see cref="DefaultUrls"/>. The default lives here,
    /// not in appsettings.json or the launch profile: both would override ASPNETCORE_URLS (appsettings.json is read after
    /// the ASPNETCORE_ variables; `dotnet run` exports the profile's applicationUrl as ASPNETCORE_URLS).
    /// </summary>
    public static IWebHostBuilder UseRespondUrls(this IWebHostBuilder host, IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey]) ? host.UseUrls(DefaultUrls) : host;

    /// <summary>The host's key for watching configuration files (<c>hostBuilder:reloadConfigOnChange</c>).</summary>
    public const string ReloadConfigOnChangeKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>
    /// The server's command line: <c>--demo</c> read, and configuration files read once at start-up unless the operator
    /// asks for watching (<c>--hostBuilder:reloadConfigOnChange=true</c> or <c>DOTNET_hostBuilder__reloadConfigOnChange</c>).
    /// Watching puts a file system watcher on the content root, which on a default install also holds the SQLite
    /// database: every commit to its write-ahead log then woke the watcher, about 7 % of the server's CPU under load
    /// (docs/performance.md). Nothing in Respond reloads settings from files while running.
    /// </summary>
    public static string[] Arguments(string[] args)
    {
        var arguments = Features.Demo.DemoMode.ReadSwitch(args);
        var asked = arguments.Any(a => a.TrimStart('-', '/').StartsWith(ReloadConfigOnChangeKey, StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("DOTNET_" + ReloadConfigOnChangeKey.Replace(":", "__", StringComparison.Ordinal)) is not null;
        return asked ? arguments : [$"--{ReloadConfigOnChangeKey}=false", .. arguments];
    }

    public static IServiceCollection AddRespond(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddDataProtection().SetApplicationName("Respond")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(environment.ContentRootPath, "App_Data", "keys")));
        services.AddRespondPersistence(configuration, environment);
        services.AddRespondIdentity();
        services.AddRespondGraphQL();
        services.AddConnectors().AddAudit().AddSettings().AddOrganizations().AddRules().AddTemplates();
        services.AddEngine().AddEvents().AddAlerts().AddApprovals().AddRuleTesting();
        services.AddScripts().AddPeople().AddWebhooks().AddChat().AddNotifications().AddCluster();
        services.AddResponseActions(configuration);
        services.AddDemo(configuration);
        services.AddHealth();
        services.AddOptions<IdleMemoryTrimOptions>().BindConfiguration(IdleMemoryTrimOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.CheckInterval > TimeSpan.Zero, "Respond:Memory:CheckInterval must be positive.").ValidateOnStart();
        services.AddSingleton<IdleMemoryTrim>().AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrim>());
        services.AddTelemetry(configuration);
        return services;
    }

    /// <summary>Migrates the database and applies the bootstrap configuration before the first request.</summary>
    public static async Task PrepareRespondAsync(this IServiceProvider services)
    {
        await services.MigrateRespondDatabaseAsync();
        await services.BootstrapRespondAsync();
        await services.StartEngineAsync();
        await services.RecoverActionsAsync();
        await services.SeedDemoAsync();
    }

    public static IEndpointRouteBuilder MapRespond(this IEndpointRouteBuilder app)
    {
        app.MapHealth();
        app.MapTelemetry();
        app.MapRespondIdentity();
        app.MapRespondGraphQL();
        app.MapEventsApi();
        app.MapAuditExport();
        app.MapConnectors();
        app.MapAgentsApi();
        app.MapSlackInteractions();
        return app;
    }
}
