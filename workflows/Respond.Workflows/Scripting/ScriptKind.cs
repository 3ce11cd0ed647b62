namespace Respond.Workflows.Scripting;

/// <summary>What a piece of C# is checked as: an <c>action.runScript</c> body or a <c>condition.expression</c>.</summary>
public enum ScriptKind
{
    /// <summary>Statements over the host API, run in a worker process (<see cref="ScriptWorkerPool"/>).</summary>
    RunScript,

    /// <summary>One boolean expression over <c>Event</c>, compiled to a delegate and run in process (<see cref="ExpressionCompiler"/>).</summary>
    Expression,
}
