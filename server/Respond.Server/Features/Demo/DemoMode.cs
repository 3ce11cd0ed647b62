using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Events;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.Rules;
using Respond.Server.Features.Settings;
using Respond.Server.Features.Templates;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Demo;

/// <summary>`Respond:Demo` (or `--demo` on the command line): a first look with data flowing. Off unless asked for.</summary>
public sealed class DemoOptions
{
    public const string Section = "Respond:Demo";

    public bool Enabled { get; set; }

    /// <summary>How often the generator sends a burst of events per demo organization.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Demo mode: two organizations on the simulated connector, Respond turned on, one active rule of each outcome from
/// the community templates, and a generator of realistic events that goes through the same ingestion path as
/// POST /api/events, so alerts, approval requests and actions appear within a minute. Seeding is idempotent.
/// </summary>
public static class DemoMode
{
    public static readonly (string Id, string Name)[] Organizations = [("demo-northwind", "Northwind (demo)"), ("demo-southridge", "Southridge (demo)")];

    /// <summary>ALERT_ONLY, MANUAL_APPROVAL and AUTOMATIC, all fed by what the generator sends.</summary>
    public static readonly string[] Templates = ["password-spray", "brute-force-burst", "credential-dumping-tool"];

    /// <summary>`--demo` is a switch, not a key=value pair the command-line configuration understands: turn it into the setting.</summary>
    public static string[] ReadSwitch(string[] args) =>
        args.Contains("--demo") ? [.. args.Where(a => a != "--demo"), $"--{DemoOptions.Section}:Enabled=true"] : args;

    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Respond:Demo:Interval must be positive.").ValidateOnStart();
        if (configuration.GetValue<bool>(DemoOptions.Section + ":Enabled")) services.AddHostedService<DemoEventGenerator>();
        return services;
    }

    public static async Task SeedDemoAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        if (!services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value.Enabled) return;
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<RespondDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var (id, name) in Organizations)
        {
            var organization = await db.Organizations.Include(o => o.Connections).SingleOrDefaultAsync(o => o.Id == id, ct);
            if (organization is null)
            {
                organization = new Organization { Id = id, Name = name, CreatedAt = now };
                db.Organizations.Add(organization);
            }
            if (organization.Connections.All(c => c.Connector != ConnectorKind.Simulated))
            {
                var connection = new OrganizationConnection { OrganizationId = id, Connector = ConnectorKind.Simulated, SettingsJson = "{}", ConnectedAt = now, ConnectedBy = "demo" };
                connection.RecordCheck(ConnectionStatus.Healthy, null, now);
                organization.Connections.Add(connection);
            }
        }
        var settings = await db.Settings.SingleAsync(s => s.OrganizationId == RespondSettings.Defaults, ct);
        if (!settings.Enabled) settings.TurnOn("demo", RespondSettings.RequiredTerms, now);
        await db.SaveChangesAsync(ct);

        // The demo's own rules: its templates, created by Respond for exactly the demo organizations. A rule someone made
        // from the same template for other organizations is theirs, and does not stand in for the demo's.
        var demoScope = Organizations.Select(o => o.Id).Order(StringComparer.Ordinal).ToList();
        var demoRules = (await db.Rules.AsNoTracking().Where(r => r.TemplateId != null && r.CreatedBy == RespondPrincipal.System.Id).ToListAsync(ct))
            .Where(r => Templates.Contains(r.TemplateId) && r.OrganizationIds.Order(StringComparer.Ordinal).SequenceEqual(demoScope)).ToList();
        foreach (var template in Templates.Where(t => demoRules.All(r => r.TemplateId != t)))
        {
            var created = await sp.GetRequiredService<DuplicateTemplate>().ExecuteAsync(
                new DuplicateTemplateInput(template, null, demoScope), RespondPrincipal.System, ct);
            if (created.Rule is { } rule)
                await sp.GetRequiredService<ActivateRule>().ExecuteAsync(new RuleRefInput(rule.Id, null), RespondPrincipal.System, ct);
        }
        var active = await db.Rules.AsNoTracking().CountAsync(r => r.CreatedBy == RespondPrincipal.System.Id && r.TemplateId != null && r.Status == RuleStatus.Active, ct);
        DemoLog.Seeded(sp.GetRequiredService<ILogger<DemoEventGenerator>>(), Organizations.Length, active, Templates.Length);
    }
}

/// <summary>Sends a burst of plausible events per demo organization every interval: sign-in storms, a credential dumper, background noise.</summary>
internal sealed class DemoEventGenerator(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoEventGenerator> logger)
    : BackgroundService
{
    private static readonly string[] Users = ["adele.vance", "alex.wilber", "diego.siciliani", "grady.archie", "isaiah.langer", "johanna.lorenz", "lee.gu", "lynne.robbins", "megan.bowen", "nestor.wilke", "patti.fernandez", "pradeep.gupta"];
    private int _tick;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var ingestion = scope.ServiceProvider.GetRequiredService<EventIngestion>();
                await ingestion.IngestAsync(Burst(_tick++), RespondPrincipal.System, "demo", ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DemoLog.GeneratorFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>Each tick one scenario per organization, in turn; every event is new (ids are unique).</summary>
    private async IAsyncEnumerable<JsonElement> Burst(int tick, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var random = Random.Shared;
        foreach (var (organization, _) in DemoMode.Organizations)
        {
            var scenario = (tick + organization.Length) % 4;
            var device = $"{organization[5..9].ToUpperInvariant()}-WS-{random.Next(10, 99)}";
            var attacker = $"203.0.113.{random.Next(2, 250)}";
            IEnumerable<object> events = scenario switch
            {
                0 => Enumerable.Range(0, 6).Select(i => SignIn(organization, "signin.failed", Users[tick % Users.Length], attacker, device, now.AddSeconds(i - 6))),
                1 => Users.Select((u, i) => SignIn(organization, "signin.failed", u, attacker, device, now.AddSeconds(i - Users.Length))),
                2 => [Process(organization, device, "mimikatz.exe", "mimikatz.exe \"sekurlsa::logonpasswords\" exit", "CRITICAL", now)],
                _ => [SignIn(organization, "signin.succeeded", Users[random.Next(Users.Length)], "198.51.100.7", device, now),
                      Process(organization, device, "notepad.exe", "notepad.exe report.txt", "INFORMATIONAL", now)],
            };
            foreach (var e in events)
            {
                ct.ThrowIfCancellationRequested();
                yield return JsonSerializer.SerializeToElement(e);
            }
        }
        await Task.CompletedTask;
    }

    private static object SignIn(string organization, string type, string user, string ip, string device, DateTimeOffset at) => new
    {
        id = $"demo-{Guid.NewGuid():N}",
        organizationId = organization,
        source = "entra-id",
        type,
        severity = type == "signin.failed" ? "LOW" : "INFORMATIONAL",
        time = at.ToString("O"),
        user = new { id = $"{user}@{organization[5..]}.example", name = user.Replace('.', ' ') },
        device = new { id = device, hostname = device.ToLowerInvariant() },
        src = new { ip },
    };

    private static object Process(string organization, string device, string name, string commandLine, string severity, DateTimeOffset at) => new
    {
        id = $"demo-{Guid.NewGuid():N}",
        organizationId = organization,
        source = "edr",
        type = "process.started",
        severity,
        time = at.ToString("O"),
        device = new { id = device, hostname = device.ToLowerInvariant() },
        process = new { pid = Random.Shared.Next(1000, 60000), name, path = $"C:\\Users\\Public\\{name}", commandLine },
        user = new { id = $"{Users[0]}@{organization[5..]}.example" },
    };
}

internal static partial class DemoLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo mode: {Organizations} demo organizations on the simulated connector, {Active} of its {Rules} template rules active, events generated in the background")]
    public static partial void Seeded(ILogger logger, int organizations, int active, int rules);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo event generator failed; it tries again on the next tick")]
    public static partial void GeneratorFailed(ILogger logger, Exception exception);
}
