using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Connectors.Outbound;
using Microsoft.Extensions.Logging;

namespace Respond.Server.Tests.Connectors;

/// <summary>One request as the fake server received it; <c>Target</c> is the raw path and query, still escaped.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Path => Target.Split('?')[0];
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>What the fake answers: a status, an optional JSON body and headers.</summary>
public sealed record FakeResponse(int Status, object? Json = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse RetryAfter(int status, int seconds, object? json = null) =>
        new(status, json, new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port chosen by the OS) standing in for Microsoft Graph or an RMM:
/// records every request and answers with <see cref="Handler"/>. Shared by the Graph and Webhook connector tests.
/// </summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public string Url { get; }
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Func<RecordedRequest, FakeResponse> Handler { get; set; }
    private readonly SemaphoreSlim _arrived = new(0);

    private FakeHttpServer(WebApplication app, Func<RecordedRequest, FakeResponse> handler)
    {
        _app = app;
        Handler = handler;
        Url = app.Urls.Single();
    }

    public static async Task<FakeHttpServer> StartAsync(Func<RecordedRequest, FakeResponse>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeHttpServer? server = null;
        app.Run(async context => await server!.HandleAsync(context));
        await app.StartAsync();
        server = new FakeHttpServer(app, handler ?? (_ => new FakeResponse(404)));
        return server;
    }

    /// <summary>Waits (bounded) until a request matching <paramref name="match"/> has arrived, woken by each arrival.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (Requests.FirstOrDefault(match) is { } found) return found;
            try { await _arrived.WaitAsync(limit.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException("No matching request arrived: " + string.Join(", ", Requests.Select(r => r.Target))); }
        }
    }

    /// <summary>A URL on which nothing listens.</summary>
    public static string Unreachable()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}";
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
            headers, await reader.ReadToEndAsync());
        Requests.Enqueue(request);
        _arrived.Release();
        var response = Handler(request);
        context.Response.StatusCode = response.Status;
        foreach (var (k, v) in response.Headers ?? new Dictionary<string, string>()) context.Response.Headers[k] = v;
        if (response.Json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Json is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(response.Json));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A real <see cref="IHttpClientFactory"/>, as the server builds it (outbound guard included), allowing the fake servers on 127.0.0.1.</summary>
public static class ConnectorHttp
{
    public static IHttpClientFactory Factory() => Services().GetRequiredService<IHttpClientFactory>();

    /// <summary>The outbound services with <paramref name="allowedNetworks"/> (default: the fixture's loopback allowance) and an optional resolver.</summary>
    public static ServiceProvider Services(IHostNameResolver? resolver = null, params string[] allowedNetworks)
    {
        var networks = allowedNetworks.Length == 0 ? [RespondApiFixture.LoopbackAllowance] : allowedNetworks;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(networks.Select((n, i) => KeyValuePair.Create($"Respond:Outbound:AllowedNetworks:{i}", (string?)n)))
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        if (resolver is not null) services.AddSingleton(resolver);
        return services.AddOutbound().BuildServiceProvider();
    }
}

/// <summary>Collects what a connector logs, to prove secrets never reach the log.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(formatter(state, exception));
}
