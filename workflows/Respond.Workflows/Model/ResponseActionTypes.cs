namespace Respond.Workflows;

/// <summary>The one table of response action types; the block catalog and the server derive from it.</summary>
public static class ResponseActionTypes
{
    // Destructive flags are seed 002's table; the identity actions come from seed 001, which gives no flag.
    public static IReadOnlyList<ResponseActionTypeInfo> All { get; } =
    [
        new(ResponseActionType.KillProcess, "action.killProcess", "Kill process",
            "Terminates a running process by PID.", false, ActionTargetKind.Process),
        new(ResponseActionType.IsolateDevice, "action.isolateDevice", "Isolate device",
            "Blocks all network access of the device except the management channel.", true, ActionTargetKind.Device),
        new(ResponseActionType.UnisolateDevice, "action.unisolateDevice", "Unisolate device",
            "Restores full network access after isolation.", false, ActionTargetKind.Device),
        new(ResponseActionType.QuarantineFile, "action.quarantineFile", "Quarantine file",
            "Moves a file to a quarantine directory where it cannot execute.", true, ActionTargetKind.File),
        new(ResponseActionType.BlockIp, "action.blockIp", "Block IP",
            "Adds a firewall rule blocking outbound traffic to the IP address.", false, ActionTargetKind.Ip),
        new(ResponseActionType.UnblockIp, "action.unblockIp", "Unblock IP",
            "Removes a previously added firewall block rule.", false, ActionTargetKind.Ip),
        new(ResponseActionType.ResetUserSession, "action.resetUserSession", "Reset user session",
            "Forces logout of the user's active session on the device.", true, ActionTargetKind.User),
        new(ResponseActionType.ForcePasswordReset, "action.forcePasswordReset", "Force password reset",
            "Flags the user and sends a password reset notification.", true, ActionTargetKind.User),
        new(ResponseActionType.CollectForensics, "action.collectForensics", "Collect forensics",
            "Gathers a memory dump, event logs and prefetch files from the device.", false, ActionTargetKind.Device),
        // Seed 002 says "Depends": a script is destructive until an admin marks that script safe.
        new(ResponseActionType.RunScript, "action.runScript", "Run script",
            "Runs a remediation script (C#) in the script sandbox against the device.", true, ActionTargetKind.Device),
        new(ResponseActionType.BlockSignIn, "action.blockSignIn", "Block sign-in",
            "Blocks the account from signing in to the connected identity provider.", true, ActionTargetKind.User),
        new(ResponseActionType.ExpireAccountLogins, "action.expireAccountLogins", "Expire account logins",
            "Signs the account out of all active sessions; does not by itself prevent new sign-ins.", true, ActionTargetKind.User),
        new(ResponseActionType.ResetUserPassword, "action.resetUserPassword", "Reset user password",
            "Resets the account's password to contain suspected credential compromise.", true, ActionTargetKind.User),
        // Not destructive: the user keeps working until the next sign-in and then picks a new password
        // themselves, so nothing is taken away at once (like seed 002's non-destructive actions).
        new(ResponseActionType.ForcePasswordChangeNextSignIn, "action.forcePasswordChangeNextSignIn",
            "Force password change at next sign-in",
            "Requires the account to change its password the next time it signs in.", false, ActionTargetKind.User),
        // The compensating actions of issue 5's linked rollback: they give back what was taken, so not destructive.
        new(ResponseActionType.RestoreFile, "action.restoreFile", "Restore file",
            "Moves a quarantined file back to its original path with its original permissions.", false, ActionTargetKind.File),
        new(ResponseActionType.UnblockSignIn, "action.unblockSignIn", "Unblock sign-in",
            "Allows the account to sign in to the connected identity provider again.", false, ActionTargetKind.User),
    ];

    /// <summary>The action that undoes a reversible one (linked rollback); types without one cannot be rolled back.</summary>
    public static IReadOnlyDictionary<ResponseActionType, ResponseActionType> Compensations { get; } =
        new Dictionary<ResponseActionType, ResponseActionType>
        {
            [ResponseActionType.IsolateDevice] = ResponseActionType.UnisolateDevice,
            [ResponseActionType.BlockIp] = ResponseActionType.UnblockIp,
            [ResponseActionType.QuarantineFile] = ResponseActionType.RestoreFile,
            [ResponseActionType.BlockSignIn] = ResponseActionType.UnblockSignIn,
        };

    private static readonly Dictionary<ResponseActionType, ResponseActionTypeInfo> ByType =
        All.ToDictionary(info => info.Type);

    private static readonly Dictionary<string, ResponseActionTypeInfo> ByBlockId =
        All.ToDictionary(info => info.BlockId, StringComparer.Ordinal);

    public static ResponseActionTypeInfo Get(ResponseActionType type) =>
        ByType.TryGetValue(type, out var info)
            ? info
            : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown response action type.");

    public static bool TryGetByBlockId(string blockId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResponseActionTypeInfo? info) =>
        ByBlockId.TryGetValue(blockId, out info);
}
