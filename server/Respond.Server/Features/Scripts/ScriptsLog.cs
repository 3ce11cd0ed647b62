namespace Respond.Server.Features.Scripts;

internal static partial class ScriptsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run of script {ScriptId} v{Version} failed after {DurationMs} ms")]
    public static partial void DryRunFailed(ILogger logger, string scriptId, int version, double durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Script {Pool} workers are confined by: {Confinement}")]
    public static partial void WorkerConfinement(ILogger logger, string pool, string confinement);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Script {Pool} workers lack OS confinement: {Gaps}")]
    public static partial void WorkerConfinementGaps(ILogger logger, string pool, string gaps);

    [LoggerMessage(Level = LogLevel.Information, Message = "The server is stopping: script {Pool} workers are killed")]
    public static partial void WorkersStopping(ILogger logger, string pool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "condition.expression {ExpressionHash} was refused or threw; the node faults")]
    public static partial void ExpressionFailed(ILogger logger, string expressionHash);
}
