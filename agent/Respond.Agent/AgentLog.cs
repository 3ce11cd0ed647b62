namespace Respond.Agent;

/// <summary>One line per event on stderr (journald or the supervisor keeps it); never a secret or a token.</summary>
public static class AgentLog
{
    public static void Info(string message) => Write("info", message);

    public static void Warn(string message) => Write("warn", message);

    private static void Write(string level, string message) =>
        Console.Error.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {level} {message}");
}
