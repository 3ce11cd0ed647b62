namespace Respond.Server.Features.Scripts;

internal static partial class ScriptsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run of script {ScriptId} v{Version} failed after {DurationMs} ms")]
    public static partial void DryRunFailed(ILogger logger, string scriptId, int version, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "condition.expression {ExpressionHash} was refused or threw; the node faults")]
    public static partial void ExpressionFailed(ILogger logger, string expressionHash);
}
