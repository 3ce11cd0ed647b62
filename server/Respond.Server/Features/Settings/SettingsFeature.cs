using GraphQL;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Settings;

public static class SettingsFeature
{
    public static IServiceCollection AddSettings(this IServiceCollection services) => services.AddScoped<SettingsChange>();

    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<RespondSettingsType>>("respondSettings")
            .Description("The settings of one of your organizations (what governs its events and actions), or without organizationId the installation-wide defaults.")
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                return await c.Service<SettingsChange>().CurrentAsync(by, c.GetArgument<string?>("organizationId"), c.CancellationToken)
                       ?? throw new ExecutionError("No organization with that id is visible to you.") { Code = UserErrorCode.NotFound.ToSchemaName() };
            });

    /// <summary><c>Organization.respondSettings</c>: the organization is already visible to the caller.</summary>
    public static void OrganizationField(ObjectGraphType<Organizations.Organization> organization) =>
        organization.Field<NonNullGraphType<RespondSettingsType>>("respondSettings")
            .Description("The settings that govern this organization: its own, or the defaults it inherits.")
            .ResolveAsync(async c => await c.Service<RespondDbContext>().ViewForAsync(c.Source.Id, c.CancellationToken));

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("turnOnRespond")
            .Argument<NonNullGraphType<TurnOnRespondInputType>>("input")
            .ResolveAsync(async c => await TurnOnRespond.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<TurnOnRespondInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("turnOffRespond")
            .Argument<NonNullGraphType<TurnOffRespondInputType>>("input")
            .ResolveAsync(async c => await TurnOffRespond.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<TurnOffRespondInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateApprovalRequirements")
            .Argument<NonNullGraphType<UpdateApprovalRequirementsInputType>>("input")
            .ResolveAsync(async c => await UpdateApprovalRequirements.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateApprovalRequirementsInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateApprovalPolicies")
            .Argument<NonNullGraphType<UpdateApprovalPoliciesInputType>>("input")
            .ResolveAsync(async c => await UpdateApprovalPolicies.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateApprovalPoliciesInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateProtectedTargets")
            .Argument<NonNullGraphType<UpdateProtectedTargetsInputType>>("input")
            .ResolveAsync(async c => await UpdateProtectedTargets.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateProtectedTargetsInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateAutoResponseSettings")
            .Argument<NonNullGraphType<UpdateAutoResponseSettingsInputType>>("input")
            .ResolveAsync(async c => await UpdateAutoResponseSettings.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateAutoResponseSettingsInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
    }
}
