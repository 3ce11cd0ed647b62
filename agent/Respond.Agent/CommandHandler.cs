using Respond.Agent.Actions;

namespace Respond.Agent;

/// <summary>
/// Routes a command to the action that does it. A repeated execute of the same action (the server retries when a
/// result was lost or late) gets the first attempt's answer instead of acting twice.
/// </summary>
public sealed class CommandHandler
{
    private delegate Task<Answer> Handler(Command command, CancellationToken ct);

    private readonly string _deviceId;
    private readonly Dictionary<string, (Handler Execute, Handler Verify)> _actions;
    private readonly Dictionary<string, Task<Answer>> _executed = new(StringComparer.Ordinal);
    private readonly Queue<string> _executedOrder = new();
    private const int RememberedExecutions = 256;

    public CommandHandler(AgentOptions options, Uri serverUrl)
    {
        _deviceId = options.DeviceId;
        var processes = new ProcessKiller();
        var files = new FileQuarantine(new PathGuard(options.AllowedRoots, options.WorkDirectory), Path.Combine(options.WorkDirectory, "quarantine"));
        var firewall = new NftFirewall(serverUrl);
        var forensics = new ForensicsCollector(Path.Combine(options.WorkDirectory, "forensics"));
        var sessions = new UserSessions();
        _actions = new(StringComparer.Ordinal)
        {
            ["KILL_PROCESS"] = (processes.KillAsync, processes.VerifyAsync),
            ["QUARANTINE_FILE"] = (files.QuarantineAsync, files.VerifyQuarantinedAsync),
            ["RESTORE_FILE"] = (files.RestoreAsync, files.VerifyRestoredAsync),
            ["BLOCK_IP"] = (firewall.BlockAsync, (c, ct) => firewall.VerifyBlockedAsync(c, shouldBeBlocked: true, ct)),
            ["UNBLOCK_IP"] = (firewall.UnblockAsync, (c, ct) => firewall.VerifyBlockedAsync(c, shouldBeBlocked: false, ct)),
            ["ISOLATE_DEVICE"] = ((_, ct) => firewall.IsolateAsync(ct), (_, ct) => firewall.VerifyIsolatedAsync(shouldBeIsolated: true, ct)),
            ["UNISOLATE_DEVICE"] = ((_, ct) => firewall.UnisolateAsync(ct), (_, ct) => firewall.VerifyIsolatedAsync(shouldBeIsolated: false, ct)),
            ["COLLECT_FORENSICS"] = (forensics.CollectAsync, forensics.VerifyAsync),
            ["RESET_USER_SESSION"] = (sessions.ResetAsync, sessions.VerifyAsync),
        };
    }

    public Task<Answer> HandleAsync(Command command, CancellationToken ct)
    {
        if (command.Target.DeviceId is { } device && device != _deviceId)
            return Task.FromResult(Answer.Failed($"refused: the command is for device {device}, this is {_deviceId}."));
        if (!_actions.TryGetValue(command.ActionType, out var action))
            return Task.FromResult(command.IsVerify
                ? Answer.Unverifiable($"not supported on this platform: {command.ActionType}.")
                : Answer.Failed($"not supported on this platform: {command.ActionType}."));
        if (command.IsVerify) return Guarded(action.Verify, command, ct);
        lock (_executed)
        {
            var key = command.ActionId + "|" + command.ActionType;
            if (_executed.TryGetValue(key, out var earlier) && !Retryable(earlier)) return earlier;
            var execution = Guarded(action.Execute, command, ct);
            _executed[key] = execution;
            _executedOrder.Enqueue(key);
            if (_executedOrder.Count > RememberedExecutions) _executed.Remove(_executedOrder.Dequeue());
            return execution;
        }
    }

    // A completed task's Result does not block.
    private static bool Retryable(Task<Answer> execution) =>
        execution.IsCanceled || execution.IsFaulted || (execution.IsCompletedSuccessfully && execution.Result.Transient);

    /// <summary>An unexpected exception becomes a failed answer with its type (not its message, which may hold paths of others).</summary>
    private static async Task<Answer> Guarded(Handler handler, Command command, CancellationToken ct)
    {
        try
        {
            return await handler(command, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (UnauthorizedAccessException)
        {
            return Answer.Failed($"permission denied while running {command.ActionType}.");
        }
        catch (Exception ex)
        {
            AgentLog.Warn($"{command.ActionType} of action {command.ActionId} failed: {ex}");
            return new Answer(false, $"the agent failed to run {command.ActionType} ({ex.GetType().Name}); see the agent's log.", Transient: true);
        }
    }
}
