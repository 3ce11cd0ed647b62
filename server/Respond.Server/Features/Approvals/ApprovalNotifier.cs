namespace Respond.Server.Features.Approvals;

/// <summary>One way people hear of an escalated request (in-app here; chat, email and webhooks add their own).</summary>
public interface IApprovalNoticeChannel
{
    string Name { get; }

    ValueTask SendAsync(ApprovalRequest request, ApprovalNotice notice, CancellationToken ct);
}

/// <summary>
/// The one port escalation tells people through, after the commit: every channel gets every notice, and a channel that
/// fails is logged without keeping the others from theirs (the notice itself is stored on the request either way).
/// </summary>
public sealed class ApprovalNotifier(IEnumerable<IApprovalNoticeChannel> channels, ILogger<ApprovalNotifier> logger)
{
    public async Task NotifyAsync(ApprovalRequest request, ApprovalNotice notice, CancellationToken ct)
    {
        foreach (var channel in channels)
        {
            try
            {
                await channel.SendAsync(request, notice, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ApprovalsLog.NoticeFailed(logger, e, channel.Name, request.Id, notice.Level);
            }
        }
    }
}

/// <summary>In-app: the approvalEscalated subscription.</summary>
public sealed class InAppNoticeChannel(Messaging.RespondEvents events) : IApprovalNoticeChannel
{
    public string Name => "in-app";

    public ValueTask SendAsync(ApprovalRequest request, ApprovalNotice notice, CancellationToken ct)
    {
        events.Publish(new ApprovalEscalated(request, notice));
        return ValueTask.CompletedTask;
    }
}
