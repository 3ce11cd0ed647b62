using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Respond.Server.Tests;

/// <summary>
/// A real Respond host on a real SQLite file (or, for the PostgreSQL half of the provider matrix, a throw-away
/// PostgreSQL database), bootstrapped with two organizations and one client per role and scope, so tests act as
/// partners do: get a token, call /graphql.
/// </summary>
public class RespondApiFixture : WebApplicationFactory<Program>
{
    public const string Secret = "test-secret-0123456789";
    public string ContentRoot { get; }
    private readonly Dictionary<string, string> _tokens = [];
    private readonly Dictionary<string, string?> _extra = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>Replaces services of this host (before first use), e.g. a recording action dispatcher.</summary>
    public RespondApiFixture WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    public string DatabasePath => Path.Combine(ContentRoot, "respond.db");

    /// <summary>The connection string the server makes of this host's database setting: its connection pool's key.</summary>
    private readonly string _sqliteConnectionString;

    /// <summary>
    /// Closes the pooled connections to this host's SQLite database, and only those: tests run in parallel, and clearing
    /// every pool (<c>ClearAllPools</c>) took the connections of another test that checks what a pooled connection keeps.
    /// </summary>
    public void ClearSqlitePool() =>
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(new Microsoft.Data.Sqlite.SqliteConnection(_sqliteConnectionString));

    /// <summary>Adds or overrides configuration for this host (before first use).</summary>
    /// <summary>Starts a host on the files of an earlier one (a restart), keeping its database and keys.</summary>
    public static RespondApiFixture On(string contentRoot) => new(contentRoot, TestDatabase.Sqlite, null);

    /// <summary>Starts a host on the files and database of an earlier one (a restart), keeping its data and keys.</summary>
    public static RespondApiFixture On(RespondApiFixture earlier) => new(earlier.ContentRoot, earlier.Database, earlier._postgreSql);

    private RespondApiFixture(string contentRoot, TestDatabase database, string? postgreSql)
    {
        ContentRoot = contentRoot;
        _sqliteConnectionString = Respond.Server.Persistence.PersistenceFeature.SqliteConnectionString($"Data Source={DatabasePath}", contentRoot);
        Database = database;
        _postgreSql = postgreSql;
    }

    public RespondApiFixture() : this(TestDatabase.Sqlite, requireServer: false) { }

    /// <summary>A host on <paramref name="database"/>; PostgreSQL skips (locally) or fails (CI) the test when no server is configured.</summary>
    public static RespondApiFixture For(TestDatabase database) => new(database, requireServer: true);

    /// <summary>Class fixtures are built before their test class, so they leave the check to it (see <see cref="PostgreSqlApiFixture"/>).</summary>
    protected RespondApiFixture(TestDatabase database, bool requireServer) : this(Directory.CreateTempSubdirectory("respond-test-").FullName, database, null)
    {
        if (requireServer && database == TestDatabase.PostgreSql) PostgreSqlTestServer.Require();
    }

    public TestDatabase Database { get; }

    /// <summary>
    /// A connection straight to this host's database, past the API, as someone with database access would have
    /// (tampering with rows, reading Quartz's tables while the host is down). SQL in tests quotes table names, so it
    /// runs on both providers.
    /// </summary>
    public async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        System.Data.Common.DbConnection connection = Database == TestDatabase.PostgreSql
            ? new Npgsql.NpgsqlConnection(_postgreSql ?? throw new InvalidOperationException("The host has not made its database yet."))
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The connection string of this host's PostgreSQL database, made on first use.</summary>
    private string? _postgreSql;

    public const string LoopbackAllowance = "127.0.0.1/32";

    /// <summary>Drops the fixture's 127.0.0.1 allowance, so outbound requests meet the production policy.</summary>
    public RespondApiFixture WithoutLoopbackAllowance() => With("Respond:Outbound:AllowedNetworks:0", "");

    public RespondApiFixture With(string key, string? value)
    {
        _extra[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Respond"] = $"Data Source={DatabasePath}",
            ["Respond:GraphQL:ConnectionInitTimeout"] = "00:00:03",
            // The designer's redirect URI comes from here, never from the request's Host header.
            ["Respond:PublicOrigin"] = "http://localhost",
            // The test processes share two cores in CI; a cold compiler there can need more than the default.
            ["Respond:Scripts:CheckTimeLimit"] = "00:01:00",
            // Connector tests call local recording servers on 127.0.0.1; production refuses loopback (docs/connectors.md).
            ["Respond:Outbound:AllowedNetworks:0"] = LoopbackAllowance,
            // Most action tests run on the simulated connector; production refuses it (SimulatedConnectorTests).
            ["Respond:Connectors:AllowSimulated"] = "true",
            ["Respond:Bootstrap:Organizations:0:Id"] = "org-a",
            ["Respond:Bootstrap:Organizations:0:Name"] = "Alpha",
            ["Respond:Bootstrap:Organizations:1:Id"] = "org-b",
            ["Respond:Bootstrap:Organizations:1:Name"] = "Bravo",
            ["Respond:Bootstrap:Users:0:UserName"] = "alice",
            ["Respond:Bootstrap:Users:0:Password"] = "alice-password",
            ["Respond:Bootstrap:Users:0:Roles:0"] = "Admin",
            ["Respond:Bootstrap:Users:0:Organizations:0"] = "*",
        };
        var clients = new (string Id, string Role, string Org)[]
        {
            ("admin", "Admin", "*"),
            ("author-a", "RuleAuthor", "org-a"),
            ("author-b", "RuleAuthor", "org-b"),
            ("admin-a", "Admin", "org-a"),
            ("admin-b", "Admin", "org-b"),
            ("viewer", "Viewer", "*"),
            ("viewer-b", "Viewer", "org-b"),
            ("ingestor-a", "Ingestor", "org-a"),
            ("approver", "Approver", "*"),
            ("approver-a", "Approver", "org-a"),
            ("approver-b", "Approver", "org-b"),
            ("responder-a", "Responder", "org-a"),
            ("viewer-a", "Viewer", "org-a"),
        };
        for (var i = 0; i < clients.Length; i++)
        {
            settings[$"Respond:Bootstrap:Clients:{i}:ClientId"] = clients[i].Id;
            settings[$"Respond:Bootstrap:Clients:{i}:ClientSecret"] = Secret;
            settings[$"Respond:Bootstrap:Clients:{i}:Roles:0"] = clients[i].Role;
            settings[$"Respond:Bootstrap:Clients:{i}:Organizations:0"] = clients[i].Org;
        }
        if (Database == TestDatabase.PostgreSql)
        {
            _postgreSql ??= PostgreSqlTestServer.CreateDatabase();
            settings["Respond:Database:Provider"] = "PostgreSql";
            settings["ConnectionStrings:Respond"] = _postgreSql;
        }
        foreach (var (k, v) in _extra) settings[k] = v;
        builder.UseSetting(WebHostDefaults.ContentRootKey, ContentRoot);
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _services) configure(services);
        });
    }

    public async Task<string> TokenAsync(string clientId)
    {
        if (_tokens.TryGetValue(clientId, out var cached)) return cached;
        using var http = CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        return _tokens[clientId] = token;
    }

    /// <summary>
    /// Signs a person in (the password grant of the respond-cli client) and keeps the token under their user name, so
    /// <see cref="GraphQLAsync"/> with that name calls as them.
    /// </summary>
    public async Task SignInAsync(string userName, string password)
    {
        using var http = CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = password,
        }));
        response.EnsureSuccessStatusCode();
        _tokens[userName] = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    public async Task<HttpClient> ClientAsAsync(string clientId)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(clientId));
        return http;
    }

    /// <summary>Runs one operation as <paramref name="clientId"/> and returns the whole response body.</summary>
    public async Task<JsonObject> GraphQLAsync(string clientId, string query, object? variables = null)
    {
        using var http = await ClientAsAsync(clientId);
        var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        var body = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>
    /// Waits until every event stored so far has been evaluated (or parked): ingestion answers once events are in the log,
    /// and the evaluator follows. Fails the test after a minute (e.g. evaluation paused and never resumed).
    /// </summary>
    public async Task EvaluatedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await Services.GetRequiredService<Respond.Server.Features.Engine.EvaluationPartitions>().CaughtUpAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("Evaluation did not catch up with the event log in time.");
        }
    }

    /// <summary>Stops the host and keeps its files, to start another host on them (a restart).</summary>
    public async Task DisposeHostOnlyAsync()
    {
        _keepFiles = true;
        await DisposeAsync();
    }

    private bool _keepFiles;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        ClearSqlitePool();
        if (_keepFiles) return;
        if (_postgreSql is not null) await PostgreSqlTestServer.DropDatabaseAsync(_postgreSql);
        try { Directory.Delete(ContentRoot, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The class fixture of a matrix class's PostgreSQL half. Its database is made on first use; the test class's constructor
/// calls <see cref="PostgreSqlTestServer.Require"/>, so a missing server skips or fails each test rather than the fixture.
/// </summary>
public sealed class PostgreSqlApiFixture() : RespondApiFixture(TestDatabase.PostgreSql, requireServer: false);

public static class JsonNodeAssertions
{
    public static JsonNode At(this JsonNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = int.TryParse(part, out var index) ? current?[index] : current?[part];
            if (current is null) throw new Xunit.Sdk.XunitException($"Nothing at '{path}' (stopped at '{part}') in {node.ToJsonString()}");
        }
        return current!;
    }

    public static string Str(this JsonNode node, string path) => node.At(path).GetValue<string>();

    public static JsonArray Errors(this JsonNode node, string payloadPath) => node.At($"data.{payloadPath}.errors").AsArray();

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
