using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed record ApprovalPolicyInput(ResponseActionType Type, int ApprovalsRequired);

public sealed class ApprovalPolicyInputType : InputObjectGraphType<ApprovalPolicyInput>
{
    public ApprovalPolicyInputType()
    {
        Name = "ApprovalPolicyInput";
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type");
        Field(i => i.ApprovalsRequired)
            .Description($"Distinct approvers who must approve (1..{ActionApprovalPolicy.MaxApprovalsRequired}); the submitter never counts, the first rejection decides.");
    }
}

public sealed record UpdateApprovalPoliciesInput(List<ApprovalPolicyInput> Policies, int? ExpectedVersion, string? OrganizationId = null);

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
    }
}

/// <summary>Quorum per action type (issue 16): how many distinct people must approve before the action runs.</summary>
public static class UpdateApprovalPolicies
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateApprovalPoliciesInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "settings.approvalPoliciesUpdated", input.ExpectedVersion, (s, now) =>
        {
            for (var i = 0; i < input.Policies.Count; i++)
            {
                if (input.Policies[i].ApprovalsRequired is < 1 or > ActionApprovalPolicy.MaxApprovalsRequired)
                    return UserError.At("VALIDATION", $"approvalsRequired must be between 1 and {ActionApprovalPolicy.MaxApprovalsRequired}.", $"policies.{i}.approvalsRequired");
                if (input.Policies.FindIndex(p => p.Type == input.Policies[i].Type) != i)
                    return UserError.At("VALIDATION", $"{ApiEnumName.Format(input.Policies[i].Type)} is listed twice.", $"policies.{i}.type");
            }
            s.ApprovalPolicies = input.Policies.OrderBy(p => p.Type).Select(p => new ActionApprovalPolicy { Type = p.Type, ApprovalsRequired = p.ApprovalsRequired }).ToList();
            s.Touch(now);
            return null;
        }, ct);
}
