using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Conditions;

public sealed class ExpressionConditionTests
{
    private static readonly CompiledRule Rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.expression",
        """{ "expression": "Event.Process.CommandLine.Length > 20" }"""));

    private sealed class FixedEvaluator(bool answer) : IExpressionEvaluator
    {
        public List<string> Expressions { get; } = [];

        public ValueTask<bool> EvaluateAsync(string expression, WorkflowEvent e, CancellationToken ct)
        {
            Expressions.Add(expression);
            return ValueTask.FromResult(answer);
        }
    }

    [Fact]
    public async Task Execute_WithoutEvaluator_FaultsWithClearError()
    {
        var harness = new RuntimeHarness();

        var instance = await harness.StartAsync(Rule, RuntimeHarness.Event());

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("subject", instance.Error);
        Assert.Contains("IExpressionEvaluator", instance.Error);
    }

    [Fact]
    public async Task Execute_EvaluatorSaysTrue_TakesTruePort()
    {
        var evaluator = new FixedEvaluator(true);
        var harness = new RuntimeHarness(evaluator);

        var instance = await harness.StartAsync(Rule, RuntimeHarness.Event());

        Assert.Equal("true", RuntimeHarness.Step(instance, "subject").Port);
        Assert.Equal(["Event.Process.CommandLine.Length > 20"], evaluator.Expressions);
    }
}
