using Microsoft.Extensions.Options;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Scripts;

/// <summary>
/// The engine's <c>condition.expression</c> port: one process-wide <see cref="ExpressionCompiler"/>, so each distinct
/// expression is checked and compiled once (cached by content hash) and then runs as a plain delegate per event.
/// A refused expression or one that throws faults its node with a message saying which; it never yields false
/// silently, since "no match" and "broken rule" must look different in ruleExecutions.
/// </summary>
public sealed class ScriptExpressionEvaluator(IOptions<ScriptWorkerPoolOptions> options, ILogger<ScriptExpressionEvaluator> logger) : IExpressionEvaluator, IDisposable
{
    private readonly ExpressionCompiler compiler = new(checkTimeLimit: options.Value.CheckTimeLimit);
    // One read-only view per event however many expression nodes look at it; it goes with the event.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<WorkflowEvent, ScriptEvent> views = new();

    public ValueTask<bool> EvaluateAsync(string expression, WorkflowEvent e, CancellationToken ct)
    {
        var compilation = compiler.Compile(expression, ct);
        if (compilation.Expression is not { } compiled)
        {
            ScriptsLog.ExpressionFailed(logger, Script.Hash(expression)[..16]);
            var first = compilation.Diagnostics.FirstOrDefault(d => d.IsError);
            throw new ExpressionFailedException(first is null
                ? "condition.expression was refused by the script check."
                : $"condition.expression was refused by the script check at {first.Line}:{first.Column} ({first.Code}{(first.Symbol is null ? "" : " " + first.Symbol)}): {first.Message}");
        }
        try
        {
            return ValueTask.FromResult(compiled.Evaluate(views.GetValue(e, static e => ScriptEvent.FromJson(e.Json))));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ScriptsLog.ExpressionFailed(logger, compiled.Hash[..16]);
            throw new ExpressionFailedException($"condition.expression threw {ex.GetType().Name} for this event: {ex.Message}", ex);
        }
    }

    public void Dispose() => compiler.Dispose();
}

/// <summary>A <c>condition.expression</c> that cannot give an answer for an event: refused by the check, or it threw.</summary>
public sealed class ExpressionFailedException(string message, Exception? inner = null) : Exception(message, inner);
