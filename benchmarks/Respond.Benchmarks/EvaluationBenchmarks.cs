using System.Text;
using BenchmarkDotNet.Attributes;
using Respond.LoadDriver;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Events;
using Respond.Workflows;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.InMemory;

namespace Respond.Benchmarks;

/// <summary>
/// (issue 12) The rule engine's CPU and allocation per event without the server around it: the load driver's 101 rules
/// (<see cref="RuleSet"/>) over its events (<see cref="EventGenerator"/>), each event made from its ingested form as the
/// log's tail hands it over, through the trigger index and the instances that proceed, with a partition's packed windows
/// (<see cref="WindowCache"/>, a unit committed every 1,000 events) and sinks that keep nothing. What the load driver's
/// pipeline adds to this is HTTP, the log's append and the unit's rows; this part is the one a change to matching,
/// windows or instances moves, measured apart from the noise of a whole run.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private const int Events = 10_000;

    private TriggerIndex index = null!;
    private ParsedEvent[] events = null!;

    [GlobalSetup]
    public void Build()
    {
        var rules = RuleSet.Build().Append(RuleSet.Latency()).Select((rule, i) =>
        {
            var definition = WorkflowDefinition.Parse(System.Text.Json.JsonSerializer.SerializeToElement(rule.Definition)).Definition
                ?? throw new InvalidOperationException($"{rule.Name} does not parse.");
            return new RuleSnapshot($"rule-{i}", rule.Name, 1, $"hash-{i}", RuleOutcome.AlertOnly, [], definition);
        }).ToList();
        index = new TriggerIndex(rules);
        if (index.Rejected.Count > 0) throw new InvalidOperationException($"{index.Rejected.Count} rules were rejected.");
        var generator = new EventGenerator(Enumerable.Range(0, 10).Select(i => $"org-{i:D2}").ToArray());
        events = [.. Enumerable.Range(0, Events).Select(_ => generator.Next()).Select(e => new ParsedEvent(
            e.Id, e.OrganizationId, e.Source, e.Type, (Severity)e.Severity, e.Time, Encoding.UTF8.GetBytes(e.Json)))];
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "101 rules: event made (per event)")]
    public int Make()
    {
        var length = 0;
        for (var i = 0; i < events.Length; i++) length += EventMapping.ToWorkflowEvent(events[i]).Id.Length;
        return length;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "101 rules: event made, rules selected (per event)")]
    public int Select()
    {
        var proceeding = 0;
        for (var i = 0; i < events.Length; i++) proceeding += index.Proceeding(EventMapping.ToWorkflowEvent(events[i])).Count;
        return proceeding;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "101 rules: event made, rules selected, instances run (per event)")]
    public async Task<int> Evaluate()
    {
        var windows = new WindowCache();
        var alerts = new RecordingAlertSink();
        var engine = new WorkflowEngine(windows, alerts, new RecordingActionDispatcher(), new RecordingApprovalGateway(),
            new InMemoryInstanceStore(), new ManualResumeScheduler(), TimeProvider.System,
            new WorkflowEngineOptions { PersistCompletedInstances = false, DetailFalseMatches = false });
        for (var i = 0; i < events.Length; i++)
        {
            await engine.HandleEventAsync(index, EventMapping.ToWorkflowEvent(events[i]), default);
            if (i % 1_000 == 999) windows.Committed(snapshotWritten: false);
        }
        return alerts.Alerts.Count;
    }
}
