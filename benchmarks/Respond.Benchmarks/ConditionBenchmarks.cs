using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Respond.Workflows;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;
using Respond.Workflows.Scripting;

namespace Respond.Benchmarks;

/// <summary>
/// (c) One condition on one event, written two ways: as <c>condition.expression</c> (an <see cref="ExpressionCompiler"/>
/// delegate, target ≤ 1 µs) and as <c>condition.match</c> (<see cref="ConditionSet"/>, which is what
/// <c>MatchCondition.ExecuteAsync</c> evaluates; it passes a details array, so both variants are measured).
/// The expression is also measured with the per-event <see cref="ScriptEvent.FromJson"/> view the server's evaluator builds.
/// </summary>
[MemoryDiagnoser]
public class ConditionBenchmarks
{
    private const string Expression =
        "Event.Severity == \"CRITICAL\" && Event.Process.Name == \"powershell.exe\" && Event.GetNumber(\"raw.attempts\") > 5";

    private static readonly JsonObject MatchConfig = JsonNode.Parse("""
        { "all": [
            { "field": "severity", "op": "eq", "value": "CRITICAL" },
            { "field": "process.name", "op": "eq", "value": "powershell.exe" },
            { "field": "raw.attempts", "op": "gt", "value": 5 } ] }
        """)!.AsObject();

    private readonly ExpressionCompiler compiler = new();
    private Func<ScriptEvent, bool> expression = null!;
    private ScriptEvent scriptEvent = null!;
    private ConditionSet match = null!;
    private WorkflowEvent workflowEvent = null!;

    [GlobalSetup]
    public void Compile()
    {
        var compiled = compiler.Compile(Expression);
        expression = compiled.Expression?.Delegate ?? throw new InvalidOperationException(string.Join("\n", compiled.Diagnostics));
        scriptEvent = ScriptEvent.FromJson(TypicalScript.Event);
        match = ConditionSet.Compile(MatchConfig, CompiledRule.RegexTimeout);
        workflowEvent = new WorkflowEvent("e-1", "org-a", "edr", "process.start", Severity.Critical, DateTimeOffset.UnixEpoch, TypicalScript.Event);
        if (!expression(scriptEvent) || !match.Evaluate(workflowEvent, null))
        {
            throw new InvalidOperationException("Both conditions must hold for the benchmark event.");
        }
    }

    [Benchmark(Description = "condition.expression: compiled delegate")]
    public bool ExpressionDelegate() => expression(scriptEvent);

    [Benchmark(Description = "condition.expression: FromJson view + delegate")]
    public bool ExpressionWithView() => expression(ScriptEvent.FromJson(workflowEvent.Json));

    [Benchmark(Description = "condition.match: ConditionSet, no details")]
    public bool MatchNoDetails() => match.Evaluate(workflowEvent, null);

    [Benchmark(Description = "condition.match: ConditionSet + details (as MatchCondition)")]
    public bool MatchWithDetails() => match.Evaluate(workflowEvent, new JsonArray());

    [GlobalCleanup]
    public void Unload() => compiler.Dispose();
}
