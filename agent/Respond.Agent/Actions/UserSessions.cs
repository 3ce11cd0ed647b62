using System.Text.RegularExpressions;

namespace Respond.Agent.Actions;

/// <summary>
/// RESET_USER_SESSION with systemd-logind: <c>loginctl terminate-user</c> ends every session of target.userId. Needs root;
/// the user name must be a plain POSIX name, and root's sessions are never ended (that is the administrator's shell).
/// </summary>
public sealed partial class UserSessions
{
    private readonly string? _loginctl = Environment.IsPrivilegedProcess ? ExternalProgram.Find("/usr/bin/loginctl", "/bin/loginctl") : null;

    public async Task<Answer> ResetAsync(Command command, CancellationToken ct)
    {
        if (_loginctl is null) return Answer.Failed("not supported: needs root and systemd-logind (loginctl).");
        if (Refuse(command.Target.UserId) is { } refusal) return Answer.Failed(refusal);
        var run = await ExternalProgram.RunAsync(_loginctl, ["terminate-user", "--", command.Target.UserId!], null, ct);
        return run.ExitCode == 0
            ? Answer.Done($"Ended every session of {command.Target.UserId}.")
            : Answer.Failed($"loginctl could not end the sessions of {command.Target.UserId}: {run.Error}");
    }

    public async Task<Answer> VerifyAsync(Command command, CancellationToken ct)
    {
        if (_loginctl is null) return Answer.Unverifiable("not supported: needs root and systemd-logind (loginctl).");
        if (Refuse(command.Target.UserId) is { } refusal) return Answer.Unverifiable(refusal);
        var run = await ExternalProgram.RunAsync(_loginctl, ["show-user", "--property=Sessions", "--value", "--", command.Target.UserId!], null, ct);
        return run.ExitCode != 0 || run.Output.Length == 0
            ? Answer.Done($"{command.Target.UserId} has no session.")
            : Answer.Failed($"{command.Target.UserId} still has sessions: {run.Output}.");
    }

    private static string? Refuse(string? user) =>
        user is null || !UserName().IsMatch(user) ? $"refused: '{user}' is not a user name."
        : user == "root" ? "refused: the agent never ends root's sessions."
        : null;

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserName();
}
