using System.Text.Json;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The pool ↔ worker protocol: one JSON object per line over the worker's stdin and stdout. The worker answers
/// <c>ready</c> once after warming up (with what confinement it applied to itself), then for each run request
/// <c>running</c> (compiled, the clock starts) and <c>done</c>, and for each check request (<c>checkKind</c> set) only
/// <c>done</c> with the diagnostics; the pool reads at most a bounded line and kills the worker on anything else.
/// </summary>
internal static class ScriptWorkerProtocol
{
    public const string Ready = "ready";
    public const string Running = "running";
    public const string Done = "done";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

internal sealed record ScriptWorkerRequest(
    string Source,
    JsonElement Event,
    ScriptAlert? Alert,
    ScriptOrganization Organization,
    int OutputLimitBytes,
    int ActionLimit,
    int TimeLimitMilliseconds)
{
    /// <summary>Set for a check request: check <see cref="Source"/> as this kind, run nothing.</summary>
    public ScriptKind? CheckKind { get; init; }
}

internal sealed record ScriptWorkerReply(
    string Phase,
    bool Succeeded = false,
    string? Error = null,
    IReadOnlyList<string>? Logs = null,
    IReadOnlyList<RequestedAction>? Actions = null,
    string? Result = null,
    bool Cached = false,
    bool Retire = false,
    IReadOnlyList<ScriptDiagnostic>? Diagnostics = null,
    string? Seccomp = null);
