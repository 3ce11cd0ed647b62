using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Respond.Designer.Tests;

/// <summary>
/// The built Respond server as a child process on a free port and a fresh SQLite file, with two designer users
/// (alice: Admin and rule author; bob: Approver) and an API client, plus Debian's Chromium through Playwright.
/// </summary>
public sealed class DesignerServer : IAsyncLifetime
{
    public const string ClientSecret = "e2e-client-secret-0123456789";
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string RepoRoot { get; } = FindRepoRoot();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("respond-e2e-").FullName;
    private Process? _server;
    private IPlaywright? _playwright;
    private readonly List<string> _log = [];

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(RepoRoot, "server", "Respond.Server", "bin", Configuration, "net10.0", "Respond.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the server first: {dll} is missing.");
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [dll]) { WorkingDirectory = _dataDir, RedirectStandardOutput = true, RedirectStandardError = true };
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = BaseUrl,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Respond"] = $"Data Source={Path.Combine(_dataDir, "respond.db")}",
            ["Respond__Bootstrap__Organizations__0__Id"] = "contoso",
            ["Respond__Bootstrap__Organizations__0__Name"] = "Contoso",
            ["Respond__Bootstrap__Users__0__UserName"] = "alice",
            ["Respond__Bootstrap__Users__0__Password"] = "alice-password",
            ["Respond__Bootstrap__Users__0__Roles__0"] = "Admin",
            ["Respond__Bootstrap__Users__0__Roles__1"] = "RuleAuthor",
            ["Respond__Bootstrap__Users__0__Roles__2"] = "Responder",
            ["Respond__Bootstrap__Users__0__Organizations__0"] = "*",
            ["Respond__Bootstrap__Users__1__UserName"] = "bob",
            ["Respond__Bootstrap__Users__1__Password"] = "bob-password",
            ["Respond__Bootstrap__Users__1__Roles__0"] = "Approver",
            ["Respond__Bootstrap__Users__1__Roles__1"] = "Responder",
            ["Respond__Bootstrap__Users__1__Organizations__0"] = "*",
            ["Respond__Bootstrap__Clients__0__ClientId"] = "e2e",
            ["Respond__Bootstrap__Clients__0__ClientSecret"] = ClientSecret,
            ["Respond__Bootstrap__Clients__0__Roles__0"] = "Admin",
            ["Respond__Bootstrap__Clients__0__Roles__1"] = "Ingestor",
            ["Respond__Bootstrap__Clients__0__Organizations__0"] = "*",
            ["Respond__Actions__VerificationDelay"] = "00:00:02",
            // The walk-through connects an organization to the simulated connector, which production refuses by default.
            ["Respond__Connectors__AllowSimulated"] = "true",
            // The webhooks screen's test receives on loopback over plain HTTP, which production refuses by default.
            ["Respond__Webhooks__AllowPlainHttp"] = "true",
            ["Respond__Outbound__AllowedNetworks__0"] = "127.0.0.1/32",
        };
        foreach (var (k, v) in env) start.Environment[k] = v;
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        _server.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add(e.Data); };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add(e.Data); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/healthz")).StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            if (i > 120 || _server.HasExited) throw new InvalidOperationException("The server did not start:\n" + ServerLog());
            await Task.Delay(500);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    private static readonly string[] Terms = ["RESPONSE_ACTIONS_AFFECT_USERS", "AUTOMATION_REQUIRES_VALIDATED_RULES", "ACTIONS_REQUIRE_HEALTHY_CONNECTION"];

    /// <summary>Respond on and contoso connected (simulated, tested healthy): what submitting response actions needs.</summary>
    public async Task EnsureRespondOnAndConnectedAsync()
    {
        var s = await GraphQLAsync("{ respondSettings { enabled version } }");
        if (!s["respondSettings"]!["enabled"]!.GetValue<bool>())
            await GraphQLAsync("mutation($t: [String!]!) { turnOnRespond(input: { acknowledgedTerms: $t }) { errors { code } } }", new { t = Terms });
        await GraphQLAsync("mutation { connectOrganization(input: { organizationId: \"contoso\", connector: SIMULATED }) { errors { code } } }");
        // Actions need a HEALTHY connection, which only a test of the connection establishes.
        await GraphQLAsync("mutation { testConnection(input: { organizationId: \"contoso\" }) { errors { code } } }");
    }

    /// <summary>Creates a rule from its definition JSON as the API client and activates it; returns its id.</summary>
    public async Task<string> CreateActiveRuleAsync(string name, string outcome, string definition)
    {
        var created = await GraphQLAsync($"mutation($d: JSON!, $n: String!) {{ createRule(input: {{ name: $n, outcome: {outcome}, definition: $d }}) {{ rule {{ id }} errors {{ message }} }} }}",
            new { d = JsonNode.Parse(definition), n = name });
        var id = created["createRule"]!["rule"]!["id"]!.GetValue<string>();
        var activated = await GraphQLAsync("mutation($id: ID!) { activateRule(input: { id: $id }) { rule { status } errors { message } } }", new { id });
        if (activated["activateRule"]!["rule"]?["status"]?.GetValue<string>() != "ACTIVE")
            throw new InvalidOperationException("The rule did not activate: " + activated.ToJsonString());
        return id;
    }

    /// <summary>Ingests <paramref name="count"/> events of one type for contoso, one user and one device, a second apart.</summary>
    public async Task IngestAsync(string eventType, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, count).Select(i => new
        {
            id = $"{eventType}-{Guid.NewGuid():N}", organizationId = "contoso", source = "e2e", type = eventType, severity = "HIGH",
            time = now.AddSeconds(i - count).ToString("O"), user = new { id = "u-e2e", name = "E2E User" }, device = new { id = "dev-e2e", hostname = "E2E-LAPTOP" },
        }).ToArray();
        var r = await GraphQLAsync("mutation($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted errors { message } } }", new { e = events });
        if (r["ingestEvents"]!["accepted"]!.GetValue<int>() != count) throw new InvalidOperationException("Events were refused: " + r.ToJsonString());
    }

    public string ServerLog() { lock (_log) return string.Join('\n', _log.TakeLast(80)); }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs a GraphQL operation as the e2e API client (Admin + Ingestor).</summary>
    public async Task<JsonNode> GraphQLAsync(string query, object? variables = null)
    {
        using var http = new HttpClient();
        var token = await http.PostAsync($"{BaseUrl}/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "e2e", ["client_secret"] = ClientSecret,
        }));
        token.EnsureSuccessStatusCode();
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        return await GraphQLAsAsync(accessToken, query, variables);
    }

    /// <summary>Runs a GraphQL operation with a signed-in person's access token (read from the browser's session).</summary>
    public async Task<JsonNode> GraphQLAsAsync(string accessToken, string query, object? variables = null)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await http.PostAsJsonAsync($"{BaseUrl}/graphql", new { query, variables });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["errors"] is JsonArray { Count: > 0 } errors) throw new InvalidOperationException(errors.ToJsonString());
        return body["data"]!;
    }

    private static string Configuration =>
        typeof(DesignerServer).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Respond.sln"))) return dir.FullName;
        throw new InvalidOperationException("Respond.sln not found above the test assembly.");
    }
}
