using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed record UpdateApprovalRequirementsInput(List<ResponseActionType> ApprovalRequired, int? ExpectedVersion, string? OrganizationId = null);

public sealed class UpdateApprovalRequirementsInputType : InputObjectGraphType<UpdateApprovalRequirementsInput>
{
    public UpdateApprovalRequirementsInputType()
    {
        Name = "UpdateApprovalRequirementsInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("approvalRequired")
            .Description("The complete list of action types that need approval; types not listed queue at once.");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
    }
}

/// <summary>Seed 002 "Settings → Response Automation → Approval Requirements".</summary>
public static class UpdateApprovalRequirements
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateApprovalRequirementsInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "settings.approvalRequirementsUpdated", input.ExpectedVersion, (s, now) =>
        {
            s.ApprovalRequired = input.ApprovalRequired.Distinct().Order().ToList();
            s.Touch(now);
            return null;
        }, ct);
}
