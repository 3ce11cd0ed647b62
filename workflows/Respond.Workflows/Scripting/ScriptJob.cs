using System.Text.Json;

namespace Respond.Workflows.Scripting;

/// <summary>One <c>RUN_SCRIPT</c> run: the source and the globals it sees (<see cref="ScriptGlobals"/>).</summary>
public sealed record ScriptJob(string Source, JsonElement Event, ScriptOrganization Organization, ScriptAlert? Alert = null);

/// <summary>
/// What a run produced. <paramref name="Actions"/> are requests only: the server routes each through approval
/// requirements and dual control. On failure <paramref name="Error"/> says why (refused by the check, threw, or
/// "killed: ..." past a limit) and the logs are whatever the worker returned before it stopped (none when killed).
/// </summary>
public sealed record ScriptRunResult(bool Succeeded, string? Error, IReadOnlyList<string> Logs, IReadOnlyList<RequestedAction> Actions, TimeSpan Duration)
{
    /// <summary>The script's final expression value as text (capped like the logs), or null.</summary>
    public string? ReturnValue { get; init; }

    /// <summary>Whether the worker ran an already compiled copy of this source (cache by SHA-256).</summary>
    public bool CacheHit { get; init; }

    /// <summary>The worker's re-check diagnostics when it refused the script.</summary>
    public IReadOnlyList<ScriptDiagnostic> Diagnostics { get; init; } = [];

    internal static ScriptRunResult Failed(string error, TimeSpan duration) => new(false, error, [], [], duration);
}
