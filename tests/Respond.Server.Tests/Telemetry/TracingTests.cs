using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Telemetry;

public sealed class TracingTests
{
    /// <summary>
    /// Signals when a span of a given name ends in a given trace. Respond's ActivitySource and ASP.NET Core's are
    /// process-wide, so every traced test host in the run records every host's spans: a test waits for spans of the
    /// trace it started itself (its requests carry their own traceparent), never for the first span of a name.
    /// </summary>
    private sealed class EndedSpans : BaseProcessor<Activity>
    {
        private readonly ConcurrentDictionary<(string, ActivityTraceId), TaskCompletionSource<Activity>> _waiting = new();

        public Task<Activity> NextAsync(string name, ActivityTraceId trace) => Waiting(name, trace).Task;

        public override void OnEnd(Activity data) => Waiting(data.DisplayName, data.TraceId).TrySetResult(data);

        private TaskCompletionSource<Activity> Waiting(string name, ActivityTraceId trace) =>
            _waiting.GetOrAdd((name, trace), _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Log records of a trace, signalled as they are exported (they reach the exporter after the span they were written in ends).</summary>
    private sealed class ExportedLogs : BaseProcessor<LogRecord>
    {
        private readonly ConcurrentQueue<(ActivityTraceId Trace, ActivitySpanId Span, string Category)> _records = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public override void OnEnd(LogRecord data)
        {
            _records.Enqueue((data.TraceId, data.SpanId, data.CategoryName ?? ""));
            _arrived.Release();
        }

        public async Task WrittenAsync(Func<(ActivityTraceId Trace, ActivitySpanId Span, string Category), bool> match, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (!_records.Any(match)) await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"No matching log record among the {_records.Count} exported in {timeout}.");
            }
        }
    }

    private static RespondApiFixture Traced(List<Activity> spans, EndedSpans ended, ExportedLogs? logs = null) => new RespondApiFixture()
        .With("Respond:Telemetry:Tracing", "true")
        .With("Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Information")
        .WithServices(s =>
        {
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans).AddProcessor(ended));
            if (logs is not null) s.ConfigureOpenTelemetryLoggerProvider(l => l.AddProcessor(logs));
        });

    /// <summary>A client whose requests start a trace of the test's own (W3C traceparent, sampled).</summary>
    private static async Task<(HttpClient Http, ActivityTraceId Trace)> TracedClientAsync(RespondApiFixture api, string clientId)
    {
        var http = await api.ClientAsAsync(clientId);
        var trace = ActivityTraceId.CreateRandom();
        http.DefaultRequestHeaders.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return (http, trace);
    }

    [Fact]
    public async Task IngestRequest_TraceHoldsIngestionEvaluationAndDatabaseSpans()
    {
        List<Activity> spans = [];
        var ended = new EndedSpans();
        await using var api = Traced(spans, ended);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var (http, traceId) = await TracedClientAsync(api, "ingestor-a");
        using var _ = http;
        var evaluated = ended.NextAsync("evaluate events", traceId);

        var response = await http.PostAsJsonAsync("/api/events", Enumerable.Range(1, 5).Select(i => EngineScenario.Event($"e-{i}")));
        response.EnsureSuccessStatusCode();
        var evaluation = await evaluated.WaitAsync(TimeSpan.FromMinutes(1));

        Activity[] trace;
        lock (spans) trace = [.. spans.Where(s => s.TraceId == traceId)];
        var request = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal("POST /api/events", request.DisplayName);
        var ingest = Assert.Single(trace, s => s.DisplayName == "ingest events");
        Assert.Equal(request.SpanId, ingest.ParentSpanId);
        Assert.Equal(5, ingest.GetTagItem("respond.events.accepted"));
        Assert.Equal(ingest.SpanId, evaluation.ParentSpanId);
        Assert.Equal("org-a", evaluation.GetTagItem("respond.organization_id"));
        Assert.Equal(5, evaluation.GetTagItem("respond.events.count"));
        Assert.Contains(trace, s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal) && s.ParentSpanId == evaluation.SpanId);
        Assert.Contains(trace, s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal) && s.ParentSpanId == ingest.SpanId);
    }

    [Fact]
    public async Task GraphQLOperation_SpanIsNamedAfterTheOperation()
    {
        List<Activity> spans = [];
        var ended = new EndedSpans();
        await using var api = Traced(spans, ended);
        var (http, traceId) = await TracedClientAsync(api, "viewer");
        using var _ = http;
        var operation = ended.NextAsync("RulesPage", traceId);

        (await http.PostAsJsonAsync("/graphql", new { query = "query RulesPage { rules(first: 1) { totalCount } }" })).EnsureSuccessStatusCode();
        var span = await operation.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("query", span.GetTagItem("graphql.operation.type"));
        Assert.Equal("RulesPage", span.GetTagItem("graphql.operation.name"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("graphql.document"));
    }

    [Fact]
    public async Task LogsWrittenDuringARequest_CarryItsTraceId()
    {
        List<Activity> spans = [];
        var logs = new ExportedLogs();
        var ended = new EndedSpans();
        await using var api = Traced(spans, ended, logs);
        var (http, traceId) = await TracedClientAsync(api, "viewer");
        using var _ = http;
        var served = ended.NextAsync("POST /graphql", traceId);

        (await http.PostAsJsonAsync("/graphql", new { query = "{ rules(first: 1) { totalCount } }" })).EnsureSuccessStatusCode();
        var request = await served.WaitAsync(TimeSpan.FromMinutes(1));

        await logs.WrittenAsync(l => l.Trace == request.TraceId && l.Span == request.SpanId && l.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal),
            TimeSpan.FromMinutes(1));
    }
}
