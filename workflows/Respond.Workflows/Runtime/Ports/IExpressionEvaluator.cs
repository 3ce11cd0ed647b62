namespace Respond.Workflows.Runtime.Ports;

/// <summary>Evaluates <c>condition.expression</c> (a C# boolean expression over the event) in the script sandbox.</summary>
public interface IExpressionEvaluator
{
    ValueTask<bool> EvaluateAsync(string expression, WorkflowEvent e, CancellationToken ct);
}
