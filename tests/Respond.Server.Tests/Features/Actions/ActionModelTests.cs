using Respond.Server.Connectors;
using Respond.Server.Features.Actions;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Tests.Features.Actions;

/// <summary>The pure rules of actions: what each type's target must be, and which lifecycle moves exist.</summary>
public sealed class ActionModelTests
{
    private static readonly ActionTarget Full = new("dev-1", "alice@contoso.example", "198.51.100.7", 4242, "/tmp/evil.sh", new string('a', 64));

    private static readonly Dictionary<ResponseActionType, string[]> Required = new()
    {
        [ResponseActionType.KillProcess] = ["deviceId", "processId"],
        [ResponseActionType.IsolateDevice] = ["deviceId"],
        [ResponseActionType.UnisolateDevice] = ["deviceId"],
        [ResponseActionType.CollectForensics] = ["deviceId"],
        [ResponseActionType.RunScript] = ["deviceId"],
        [ResponseActionType.QuarantineFile] = ["deviceId", "filePath"],
        [ResponseActionType.RestoreFile] = ["deviceId", "filePath"],
        [ResponseActionType.BlockIp] = ["deviceId", "ip"],
        [ResponseActionType.UnblockIp] = ["deviceId", "ip"],
        [ResponseActionType.ResetUserSession] = ["userId"],
        [ResponseActionType.ForcePasswordReset] = ["userId"],
        [ResponseActionType.BlockSignIn] = ["userId"],
        [ResponseActionType.UnblockSignIn] = ["userId"],
        [ResponseActionType.ExpireAccountLogins] = ["userId"],
        [ResponseActionType.ResetUserPassword] = ["userId"],
        [ResponseActionType.ForcePasswordChangeNextSignIn] = ["userId"],
    };

    public static TheoryData<ResponseActionType> AllTypes() => new(Enum.GetValues<ResponseActionType>());

    private static ActionTarget Only(IEnumerable<string> fields)
    {
        var set = fields.ToHashSet();
        return new ActionTarget(set.Contains("deviceId") ? Full.DeviceId : null, set.Contains("userId") ? Full.UserId : null, set.Contains("ip") ? Full.Ip : null,
            set.Contains("processId") ? Full.ProcessId : null, set.Contains("filePath") ? Full.FilePath : null, set.Contains("fileSha256") ? Full.FileSha256 : null);
    }

    private static List<UserError> Validate(ResponseActionType type, ActionTarget target)
    {
        var errors = new List<UserError>();
        ActionTargets.Validate(type, target, "target", errors);
        return errors;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Validate_EveryType_AcceptsItsTargetAndNamesEachMissingOrForeignField(ResponseActionType type)
    {
        var required = Required[type];
        Assert.Empty(Validate(type, Only(required)));
        foreach (var missing in required)
        {
            var error = Assert.Single(Validate(type, Only(required.Where(f => f != missing))));
            Assert.Equal(["input", "target", missing], error.Path);
            Assert.Contains(ApiEnumName.Format(type), error.Message);
        }
        var foreign = type is ResponseActionType.QuarantineFile or ResponseActionType.RestoreFile ? "userId" : required.Contains("userId") ? "filePath" : "userId";
        var extra = Assert.Single(Validate(type, Only([.. required, foreign])));
        Assert.Equal(["input", "target", foreign], extra.Path);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("10.0.0.77/24", "10.0.0.0/24")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    public void Validate_IpOrCidr_Normalised(string ip, string expected)
    {
        var errors = new List<UserError>();
        var target = ActionTargets.Validate(ResponseActionType.BlockIp, new ActionTarget("dev-1", null, ip, null, null, null), "target", errors);
        Assert.Empty(errors);
        Assert.Equal(expected, target.Ip);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("10.0.0.0/7")]
    [InlineData("::/0")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1 OR 1=1")]
    [InlineData("evil.example.com")]
    public void Validate_HostileOrOverbroadIp_Refused(string ip) =>
        Assert.Equal(["input", "target", "ip"], Assert.Single(Validate(ResponseActionType.BlockIp, new ActionTarget("dev-1", null, ip, null, null, null))).Path);

    [Theory]
    [InlineData("relative.txt")]
    [InlineData("/tmp/../etc/shadow")]
    [InlineData("C:\\Windows\\..\\System32\\x")]
    [InlineData("/tmp/a\u0000b")]
    public void Validate_HostileFilePath_Refused(string path) =>
        Assert.Equal(["input", "target", "filePath"], Assert.Single(Validate(ResponseActionType.QuarantineFile, new ActionTarget("dev-1", null, null, null, path, null))).Path);

    [Theory]
    [InlineData("a/b")]
    [InlineData("alice?x=1")]
    [InlineData("bob#frag")]
    [InlineData("50%25")]
    [InlineData("has space")]
    [InlineData("tab\tuser")]
    public void Validate_UserIdThatWouldEscapeAGraphPath_Refused(string user) =>
        Assert.Equal(["input", "target", "userId"], Assert.Single(Validate(ResponseActionType.BlockSignIn, new ActionTarget(null, user, null, null, null, null))).Path);

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-42)]
    public void Validate_InitOrNonPositivePid_Refused(int pid) =>
        Assert.Equal(["input", "target", "processId"], Assert.Single(Validate(ResponseActionType.KillProcess, new ActionTarget("dev-1", null, null, pid, null, null))).Path);

    public static TheoryData<ResponseActionStatus, ResponseActionStatus> AllPairs()
    {
        var data = new TheoryData<ResponseActionStatus, ResponseActionStatus>();
        foreach (var from in Enum.GetValues<ResponseActionStatus>())
        foreach (var to in Enum.GetValues<ResponseActionStatus>())
            data.Add(from, to);
        return data;
    }

    private static readonly HashSet<(ResponseActionStatus, ResponseActionStatus)> Legal =
    [
        (ResponseActionStatus.PendingApproval, ResponseActionStatus.Queued),
        (ResponseActionStatus.PendingApproval, ResponseActionStatus.Cancelled),
        (ResponseActionStatus.Queued, ResponseActionStatus.Executing),
        (ResponseActionStatus.Queued, ResponseActionStatus.Cancelled),
        (ResponseActionStatus.Executing, ResponseActionStatus.Completed),
        (ResponseActionStatus.Executing, ResponseActionStatus.Failed),
        (ResponseActionStatus.Executing, ResponseActionStatus.Queued),
    ];

    /// <summary>Brings a fresh action to <paramref name="status"/> along legal moves only.</summary>
    private static ResponseAction At(ResponseActionStatus status)
    {
        var action = new ResponseAction { Id = "act-1", OrganizationId = "org-a", SubmittedBy = "someone" };
        var now = DateTimeOffset.UtcNow;
        ResponseActionStatus[] path = status switch
        {
            ResponseActionStatus.PendingApproval => [],
            ResponseActionStatus.Cancelled => [ResponseActionStatus.Cancelled],
            ResponseActionStatus.Queued => [ResponseActionStatus.Queued],
            ResponseActionStatus.Executing => [ResponseActionStatus.Queued, ResponseActionStatus.Executing],
            _ => [ResponseActionStatus.Queued, ResponseActionStatus.Executing, status],
        };
        action.Begin(ResponseActionStatus.PendingApproval, "someone", null, now);
        foreach (var step in path) action.MoveTo(step, "someone", null, now);
        return action;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void MoveTo_EveryPairOfStatuses_OnlyTheLifecycleEdgesAreAllowed(ResponseActionStatus from, ResponseActionStatus to)
    {
        var action = At(from);
        var steps = action.Timeline.Count;

        if (Legal.Contains((from, to)))
        {
            action.MoveTo(to, "someone", "because", DateTimeOffset.UtcNow);
            Assert.Equal(to, action.Status);
            Assert.Equal(steps + 1, action.Timeline.Count);
        }
        else
        {
            var refused = Assert.Throws<IllegalTransitionException>(() => action.MoveTo(to, "someone", null, DateTimeOffset.UtcNow));
            Assert.Equal(from, refused.From);
            Assert.Equal(from, action.Status);
            Assert.Equal(steps, action.Timeline.Count);
        }
    }

    [Fact]
    public void Begin_StartingAsExecutingOrCompleted_Refused()
    {
        Assert.Throws<IllegalTransitionException>(() => new ResponseAction { Id = "a", OrganizationId = "o", SubmittedBy = "s" }.Begin(ResponseActionStatus.Executing, "s", null, DateTimeOffset.UtcNow));
        Assert.Throws<IllegalTransitionException>(() => new ResponseAction { Id = "a", OrganizationId = "o", SubmittedBy = "s" }.Begin(ResponseActionStatus.Completed, "s", null, DateTimeOffset.UtcNow));
    }
}
