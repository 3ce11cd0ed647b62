using GraphQL;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Settings;

public static class SettingsFeature
{
    public static IServiceCollection AddSettings(this IServiceCollection services) => services.AddScoped<SettingsChange>();

    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<RespondSettingsType>>("respondSettings")
            .ResolveAsync(async c =>
            {
                c.RequireReader();
                return await c.Service<SettingsChange>().CurrentAsync(c.CancellationToken);
            });

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
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateProtectedTargets")
            .Argument<NonNullGraphType<UpdateProtectedTargetsInputType>>("input")
            .ResolveAsync(async c => await UpdateProtectedTargets.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateProtectedTargetsInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RespondSettingsPayloadType>>("updateAutoResponseSettings")
            .Argument<NonNullGraphType<UpdateAutoResponseSettingsInputType>>("input")
            .ResolveAsync(async c => await UpdateAutoResponseSettings.ExecuteAsync(c.Service<SettingsChange>(), c.GetArgument<UpdateAutoResponseSettingsInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
    }
}
