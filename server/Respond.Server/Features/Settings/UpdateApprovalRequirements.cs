using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed record UpdateApprovalRequirementsInput(List<ResponseActionType> ApprovalRequired, int? ExpectedVersion);

public sealed class UpdateApprovalRequirementsInputType : InputObjectGraphType<UpdateApprovalRequirementsInput>
{
    public UpdateApprovalRequirementsInputType()
    {
        Name = "UpdateApprovalRequirementsInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("approvalRequired")
            .Description("The complete list of action types that need approval; types not listed queue at once.");
        Field(i => i.ExpectedVersion, nullable: true);
    }
}

/// <summary>Seed 002 "Settings → Response Automation → Approval Requirements".</summary>
public static class UpdateApprovalRequirements
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateApprovalRequirementsInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, "settings.approvalRequirementsUpdated", input.ExpectedVersion, (s, now) =>
        {
            s.ApprovalRequired = input.ApprovalRequired.Distinct().Order().ToList();
            s.Touch(now);
            return null;
        }, ct);
}
