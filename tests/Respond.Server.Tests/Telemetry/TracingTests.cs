using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Telemetry;

public sealed class TracingTests
{
    /// <summary>Signals when a span of a given name ends (spans end after the work they time, so a test waits for them, not for the work).</summary>
    private sealed class EndedSpans : BaseProcessor<Activity>
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<Activity>> _waiting = new();

        public Task<Activity> NextAsync(string name) => _waiting.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public override void OnEnd(Activity data) => _waiting.GetOrAdd(data.DisplayName, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(data);
    }

    private static RespondApiFixture Traced(List<Activity> spans, EndedSpans ended, List<LogRecord>? logs = null) => new RespondApiFixture()
        .With("Respond:Telemetry:Tracing", "true")
        .With("Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Information")
        .WithServices(s =>
        {
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans).AddProcessor(ended));
            if (logs is not null) s.ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(logs));
        });

    [Fact]
    public async Task IngestRequest_TraceHoldsIngestionEvaluationAndDatabaseSpans()
    {
        List<Activity> spans = [];
        var ended = new EndedSpans();
        await using var api = Traced(spans, ended);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var evaluated = ended.NextAsync("evaluate events");

        await api.PostEventsAsync("ingestor-a", Enumerable.Range(1, 5).Select(i => EngineScenario.Event($"e-{i}")));
        var evaluation = await evaluated.WaitAsync(TimeSpan.FromMinutes(1));

        Activity[] trace;
        lock (spans) trace = [.. spans.Where(s => s.TraceId == evaluation.TraceId)];
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
        var operation = ended.NextAsync("RulesPage");

        await api.GraphQLAsync("viewer", "query RulesPage { rules(first: 1) { totalCount } }");
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
        List<LogRecord> logs = [];
        var ended = new EndedSpans();
        await using var api = Traced(spans, ended, logs);
        var served = ended.NextAsync("POST /graphql");

        await api.GraphQLAsync("viewer", "{ rules(first: 1) { totalCount } }");
        var request = await served.WaitAsync(TimeSpan.FromMinutes(1));
        bool OfTheRequest(LogRecord l) => l.TraceId == request.TraceId && l.SpanId == request.SpanId && l.CategoryName!.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal);
        // Log records reach the exporter after the span ends, not with it: wait for them (bounded) instead of reading at once.
        LogRecord[] written = [];
        for (var i = 0; i < 200 && !written.Any(OfTheRequest); i++)
        {
            lock (logs) written = [.. logs];
            if (!written.Any(OfTheRequest)) await Task.Delay(50);
        }

        Assert.Contains(written, OfTheRequest);
    }
}
