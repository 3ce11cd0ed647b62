namespace Respond.Workflows.Tests.Model;

public sealed class ResponseActionTypesTests
{
    [Fact]
    public void All_EveryEnumMember_HasExactlyOneEntry()
    {
        var types = ResponseActionTypes.All.Select(info => info.Type);

        Assert.Equal(Enum.GetValues<ResponseActionType>(), types.Order());
    }

    // Seed 002's table (run script: "Depends", so destructive until a script is marked safe) and seed 001's identity actions.
    [Theory]
    [InlineData(ResponseActionType.KillProcess, false)]
    [InlineData(ResponseActionType.IsolateDevice, true)]
    [InlineData(ResponseActionType.UnisolateDevice, false)]
    [InlineData(ResponseActionType.QuarantineFile, true)]
    [InlineData(ResponseActionType.BlockIp, false)]
    [InlineData(ResponseActionType.UnblockIp, false)]
    [InlineData(ResponseActionType.ResetUserSession, true)]
    [InlineData(ResponseActionType.ForcePasswordReset, true)]
    [InlineData(ResponseActionType.CollectForensics, false)]
    [InlineData(ResponseActionType.RunScript, true)]
    [InlineData(ResponseActionType.BlockSignIn, true)]
    [InlineData(ResponseActionType.ExpireAccountLogins, true)]
    [InlineData(ResponseActionType.ResetUserPassword, true)]
    [InlineData(ResponseActionType.ForcePasswordChangeNextSignIn, false)]
    public void Get_ActionType_HasSeedDestructiveFlag(ResponseActionType type, bool destructive)
    {
        var info = ResponseActionTypes.Get(type);

        Assert.Equal(destructive, info.DestructiveByDefault);
    }

    [Fact]
    public void TryGetByBlockId_CamelCaseBlockId_FindsType()
    {
        var found = ResponseActionTypes.TryGetByBlockId("action.forcePasswordChangeNextSignIn", out var info);

        Assert.True(found);
        Assert.Equal(ResponseActionType.ForcePasswordChangeNextSignIn, info!.Type);
    }

    [Fact]
    public void TryGetByBlockId_UnknownId_ReturnsFalse()
    {
        var found = ResponseActionTypes.TryGetByBlockId("action.launchMissiles", out _);

        Assert.False(found);
    }

    [Theory]
    [InlineData(ResponseActionType.ForcePasswordChangeNextSignIn, "FORCE_PASSWORD_CHANGE_NEXT_SIGN_IN")]
    [InlineData(ResponseActionType.BlockIp, "BLOCK_IP")]
    public void ApiEnumNameFormat_ActionType_IsScreamingSnakeCase(ResponseActionType type, string expected)
    {
        var name = ApiEnumName.Format(type);

        Assert.Equal(expected, name);
    }
}
