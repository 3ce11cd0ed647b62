using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed record EscalationStepInput(int AfterMinutes, List<string> Notify);

public sealed class EscalationStepInputType : InputObjectGraphType<EscalationStepInput>
{
    public EscalationStepInputType()
    {
        Name = "EscalationStepInput";
        Field(i => i.AfterMinutes).Description("Minutes after the previous step (the first: after the request opened), at least 1.");
        Field(i => i.Notify).Description($"Principal ids, roles, or \"{EscalationStep.OnCall}\" (the organization's on-call list): told, and may decide too.");
    }
}

public sealed record ApprovalPolicyInput(ResponseActionType Type, int ApprovalsRequired, List<string>? Approvers = null, List<EscalationStepInput>? Escalation = null,
    int? TimeoutMinutes = null, ApprovalFallback? Fallback = null, string? AutoApproveReason = null);

public sealed class ApprovalPolicyInputType : InputObjectGraphType<ApprovalPolicyInput>
{
    public ApprovalPolicyInputType()
    {
        Name = "ApprovalPolicyInput";
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type");
        Field(i => i.ApprovalsRequired)
            .Description($"Distinct approvers who must approve (1..{ActionApprovalPolicy.MaxApprovalsRequired}); the submitter never counts, the first rejection decides.");
        Field(i => i.Approvers, nullable: true).Description("The first group: principal ids or roles that are told and may decide; omitted: any Approver.");
        Field<ListGraphType<NonNullGraphType<EscalationStepInputType>>>("escalation")
            .Description($"Up to {EscalationStep.MaxSteps} steps: after each delay the next group is told and may decide too.");
        Field(i => i.TimeoutMinutes, nullable: true).Description("Minutes until the fallback; longer than all escalation delays together. Omitted: Respond:Approvals:DefaultTimeout.");
        Field<EnumerationGraphType<ApprovalFallback>>("fallback").Description("At the timeout: EXPIRE (default) or APPROVE, which needs autoApproveReason.");
        Field(i => i.AutoApproveReason, nullable: true).Description("The explicit consent to auto-approve at the timeout; the audit of each auto-approval quotes it.");
    }
}

public sealed record UpdateApprovalPoliciesInput(List<ApprovalPolicyInput> Policies, int? ExpectedVersion, string? OrganizationId = null, List<string>? OnCall = null);

public sealed class UpdateApprovalPoliciesInputType : InputObjectGraphType<UpdateApprovalPoliciesInput>
{
    public UpdateApprovalPoliciesInputType()
    {
        Name = "UpdateApprovalPoliciesInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalPolicyInputType>>>>("policies")
            .Description("The complete list; a type not listed needs one approval when it needs approval at all (approvalRequirements).");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
        Field(i => i.OnCall, nullable: true).Description($"Principal ids an escalation step's \"{EscalationStep.OnCall}\" tells; omitted: unchanged.");
    }
}

/// <summary>Per action type (issue 16): the quorum, who is asked first, escalation steps and what happens at the timeout.</summary>
public static class UpdateApprovalPolicies
{
    public const int MaxPrincipalLength = 128;
    public const int MaxAutoApproveReasonLength = 500;
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(30);

    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateApprovalPoliciesInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "settings.approvalPoliciesUpdated", input.ExpectedVersion, (s, now) =>
        {
            var policies = new List<ActionApprovalPolicy>();
            for (var i = 0; i < input.Policies.Count; i++)
            {
                if (input.Policies.FindIndex(p => p.Type == input.Policies[i].Type) != i)
                    return UserError.At(UserErrorCode.Validation, $"{ApiEnumName.Format(input.Policies[i].Type)} is listed twice.", $"policies.{i}.type");
                var (policy, error) = Read(input.Policies[i], $"policies.{i}");
                if (error is not null) return error;
                policies.Add(policy!);
            }
            if (input.OnCall is { } onCall && Names(onCall, "onCall", EscalationStep.MaxRecipients, allowEmpty: true) is { } onCallError) return onCallError;
            s.ApprovalPolicies = policies.OrderBy(p => p.Type).ToList();
            if (input.OnCall is not null) s.OnCall = input.OnCall.Distinct().ToList();
            s.Touch(now);
            return null;
        }, ct);

    private static (ActionApprovalPolicy? Policy, UserError? Error) Read(ApprovalPolicyInput input, string at)
    {
        if (input.ApprovalsRequired is < 1 or > ActionApprovalPolicy.MaxApprovalsRequired)
            return (null, UserError.At(UserErrorCode.Validation, $"approvalsRequired must be between 1 and {ActionApprovalPolicy.MaxApprovalsRequired}.", $"{at}.approvalsRequired"));
        if (input.Approvers is { } approvers && Names(approvers, $"{at}.approvers", EscalationStep.MaxRecipients, allowEmpty: true) is { } approversError)
            return (null, approversError);
        var steps = input.Escalation ?? [];
        if (steps.Count > EscalationStep.MaxSteps)
            return (null, UserError.At(UserErrorCode.Validation, $"escalation has at most {EscalationStep.MaxSteps} steps.", $"{at}.escalation"));
        for (var j = 0; j < steps.Count; j++)
        {
            if (TimeSpan.FromMinutes(steps[j].AfterMinutes) < EscalationStep.MinDelay || TimeSpan.FromMinutes(steps[j].AfterMinutes) > MaxTimeout)
                return (null, UserError.At(UserErrorCode.Validation, $"afterMinutes must be between 1 and {MaxTimeout.TotalMinutes:0}.", $"{at}.escalation.{j}.afterMinutes"));
            if (Names(steps[j].Notify, $"{at}.escalation.{j}.notify", EscalationStep.MaxRecipients, allowEmpty: false) is { } notifyError) return (null, notifyError);
        }
        TimeSpan? timeout = input.TimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null;
        if (timeout is { } t && (t < EscalationStep.MinDelay || t > MaxTimeout))
            return (null, UserError.At(UserErrorCode.Validation, $"timeoutMinutes must be between 1 and {MaxTimeout.TotalMinutes:0}.", $"{at}.timeoutMinutes"));
        if (timeout is { } limit && steps.Sum(s => s.AfterMinutes) >= limit.TotalMinutes)
            return (null, UserError.At(UserErrorCode.Validation, "timeoutMinutes must be longer than all escalation delays together, or the last step could never fire.", $"{at}.timeoutMinutes"));
        var fallback = input.Fallback ?? ApprovalFallback.Expire;
        var reason = input.AutoApproveReason?.Trim();
        if (fallback == ApprovalFallback.Approve && string.IsNullOrEmpty(reason))
            return (null, UserError.At(UserErrorCode.Validation, "fallback APPROVE runs the action without anyone's decision: say why in autoApproveReason.", $"{at}.autoApproveReason"));
        if (fallback != ApprovalFallback.Approve && reason is { Length: > 0 })
            return (null, UserError.At(UserErrorCode.Validation, "autoApproveReason is only for fallback APPROVE.", $"{at}.autoApproveReason"));
        if (reason is { Length: > MaxAutoApproveReasonLength })
            return (null, UserError.At(UserErrorCode.Validation, $"autoApproveReason is longer than {MaxAutoApproveReasonLength} characters.", $"{at}.autoApproveReason"));
        return (new ActionApprovalPolicy
        {
            Type = input.Type,
            ApprovalsRequired = input.ApprovalsRequired,
            Approvers = (input.Approvers ?? []).Distinct().ToList(),
            Escalation = steps.Select(s => new EscalationStep(TimeSpan.FromMinutes(s.AfterMinutes), s.Notify.Distinct().ToList())).ToList(),
            Timeout = timeout,
            Fallback = fallback,
            AutoApproveReason = fallback == ApprovalFallback.Approve ? reason : null,
        }, null);
    }

    private static UserError? Names(List<string> names, string at, int max, bool allowEmpty)
    {
        if (names.Count > max || (!allowEmpty && names.Count == 0))
            return UserError.At(UserErrorCode.Validation, $"List {(allowEmpty ? 0 : 1)} to {max} principal ids or roles.", at);
        var blank = names.FindIndex(n => string.IsNullOrWhiteSpace(n) || n.Length > MaxPrincipalLength);
        return blank < 0 ? null : UserError.At(UserErrorCode.Validation, $"Each entry is a principal id or role of 1 to {MaxPrincipalLength} characters.", $"{at}.{blank}");
    }
}
