using System.Text.Json;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The pool ↔ worker protocol: one JSON object per line over the worker's stdin and stdout. The worker answers
/// <c>ready</c> once after warming up, then for each request <c>running</c> (compiled, the clock starts) and
/// <c>done</c>; the pool reads at most a bounded line and kills the worker on anything else.
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
    int TimeLimitMilliseconds);

internal sealed record ScriptWorkerReply(
    string Phase,
    bool Succeeded = false,
    string? Error = null,
    IReadOnlyList<string>? Logs = null,
    IReadOnlyList<RequestedAction>? Actions = null,
    string? Result = null,
    bool Cached = false,
    bool Retire = false,
    IReadOnlyList<ScriptDiagnostic>? Diagnostics = null);
