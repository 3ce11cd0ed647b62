namespace Respond.Server.Identity;

internal static partial class IdentityLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap: {Organizations} organizations, {Clients} clients, {Users} users from configuration")]
    public static partial void Bootstrapped(ILogger logger, int organizations, int clients, int users);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No users existed and none are configured: created user {UserName} with a random password, printed once to the console")]
    public static partial void InitialAdminCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap entry {Kind} {Name} names unknown role {Role}; it is ignored")]
    public static partial void UnknownRole(ILogger logger, string kind, string name, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token refused for {Subject}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Designer sign-in refused: {Status}")]
    public static partial void SignInRefused(ILogger logger, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in for user name {UserName} locked for {Duration} after {Failures} failures in a row")]
    public static partial void SignInLockedOut(ILogger logger, string userName, int failures, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not audit {Action}; the refusal stands")]
    public static partial void SignInAuditNotRecorded(ILogger logger, Exception exception, string action);
}
