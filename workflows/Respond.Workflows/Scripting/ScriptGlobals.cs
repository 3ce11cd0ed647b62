namespace Respond.Workflows.Scripting;

/// <summary>
/// The host API: what a <c>RUN_SCRIPT</c> script sees as globals. Keep it small; every member here is on the
/// allow-list (<see cref="ScriptAllowList"/>) and documented in docs/scripting.md.
/// </summary>
public sealed class ScriptGlobals(ScriptEvent @event, ScriptAlert? alert, ScriptOrganization organization, ScriptRecorder recorder)
{
    /// <summary>The event the rule matched (read-only).</summary>
    public ScriptEvent Event { get; } = @event;

    /// <summary>The alert the rule raised, or null.</summary>
    public ScriptAlert? Alert { get; } = alert;

    /// <summary>The organization the event belongs to.</summary>
    public ScriptOrganization Organization { get; } = organization;

    /// <summary>Adds a line to the run's log (capped: a flood past the output limit ends the run).</summary>
    public void Log(string message) => recorder.Log(message ?? "");

    /// <summary>
    /// Records a request for a response action (e.g. <c>ISOLATE_DEVICE</c>, a device id, why). Nothing runs here:
    /// the server routes the request through approval requirements and dual control after the script ends.
    /// </summary>
    public void RequestAction(string type, string target, string justification) =>
        recorder.Request(new RequestedAction(type ?? "", target ?? "", justification ?? ""));
}

/// <summary>
/// Collects what a script logged and requested, within limits; owned by the worker, never reachable from a script.
/// Past a limit it calls <c>onLimitExceeded</c> (the worker then ends the run and the process).
/// </summary>
public sealed class ScriptRecorder(int outputLimitBytes, int actionLimit, Action<string> onLimitExceeded)
{
    private readonly List<string> logs = [];
    private readonly List<RequestedAction> actions = [];
    private long outputBytes;

    public IReadOnlyList<string> Logs => logs;

    public IReadOnlyList<RequestedAction> Actions => actions;

    /// <summary>Bytes (UTF-16 code units, an upper bound for UTF-8 of ASCII) logged and requested so far.</summary>
    public long OutputBytes => outputBytes;

    internal void Log(string message)
    {
        Count(message.Length);
        logs.Add(message);
    }

    internal void Request(RequestedAction action)
    {
        if (actions.Count >= actionLimit)
        {
            Exceed($"killed: requested more than {actionLimit} actions");
        }
        Count(action.Type.Length + action.Target.Length + action.Justification.Length);
        actions.Add(action);
    }

    private void Count(int length)
    {
        outputBytes += length;
        if (outputBytes > outputLimitBytes)
        {
            Exceed($"killed: output exceeded {outputLimitBytes / 1024} KiB limit");
        }
    }

    private void Exceed(string reason)
    {
        onLimitExceeded(reason);
        // The worker's callback never returns (it ends the process); anywhere else, stop the script here.
        throw new InvalidOperationException(reason);
    }
}
