namespace Respond.Workflows;

/// <summary>The response actions of seeds 001 (identity) and 002 (endpoint); API.md's ResponseActionType.</summary>
public enum ResponseActionType
{
    KillProcess,
    IsolateDevice,
    UnisolateDevice,
    QuarantineFile,
    BlockIp,
    UnblockIp,
    ResetUserSession,
    ForcePasswordReset,
    CollectForensics,
    RunScript,
    BlockSignIn,
    ExpireAccountLogins,
    ResetUserPassword,
    ForcePasswordChangeNextSignIn,
    RestoreFile,
    UnblockSignIn,
}
