using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

/// <summary>People and API clients (issue 14): administrators manage them within the organizations they hold, every change audited.</summary>
public static class PeopleFeature
{
    public static IServiceCollection AddPeople(this IServiceCollection services) => services
        .AddScoped<SignInRevocation>().AddScoped<CreateUser>().AddScoped<SetUserDisabled>().AddScoped<ResetUserPassword>().AddScoped<SetUserAccess>()
        .AddScoped<CreateApiClient>().AddScoped<RotateApiClientSecret>().AddScoped<RevokeApiClient>();

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("users")
            .Description("Admin: the people whose organizations are all yours, by user name.")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var users = await c.Service<RespondDbContext>().Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(c.CancellationToken);
                return users.Where(u => GrantLimits.CanManage(by, u.Organizations)).ToList();
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApiClientType>>>>("apiClients")
            .Description("Admin: the client-credentials clients whose organizations are all yours, by client id.")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var clients = await c.Service<RespondDbContext>().ServiceClients.AsNoTracking().OrderBy(s => s.ClientId).ToListAsync(c.CancellationToken);
                return clients.Where(s => GrantLimits.CanManage(by, s.Organizations)).ToList();
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SetupChecklistItemType>>>>("setupChecklist")
            .Description("Admin: the first-run steps (turn on, connect, first active rule, an approver), each computed from what exists now.")
            .ResolveAsync(async c => await SetupChecklist.OfAsync(c.Service<RespondDbContext>(), c.Require(Roles.Admin), c.CancellationToken));
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<UserPayloadType>>("createUser").Argument<NonNullGraphType<CreateUserInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateUser>().ExecuteAsync(c.GetArgument<CreateUserInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<UserPayloadType>>("disableUser").Argument<NonNullGraphType<UserIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<SetUserDisabled>().ExecuteAsync(c.GetArgument<UserIdInput>("input"), true, c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<UserPayloadType>>("enableUser").Argument<NonNullGraphType<UserIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<SetUserDisabled>().ExecuteAsync(c.GetArgument<UserIdInput>("input"), false, c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<UserPayloadType>>("resetUserPassword").Argument<NonNullGraphType<ResetUserPasswordInputType>>("input")
            .ResolveAsync(async c => await c.Service<ResetUserPassword>().ExecuteAsync(c.GetArgument<ResetUserPasswordInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<UserPayloadType>>("setUserAccess").Argument<NonNullGraphType<SetUserAccessInputType>>("input")
            .ResolveAsync(async c => await c.Service<SetUserAccess>().ExecuteAsync(c.GetArgument<SetUserAccessInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ApiClientPayloadType>>("createApiClient").Argument<NonNullGraphType<CreateApiClientInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateApiClient>().ExecuteAsync(c.GetArgument<CreateApiClientInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ApiClientPayloadType>>("rotateApiClientSecret").Argument<NonNullGraphType<ApiClientIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<RotateApiClientSecret>().ExecuteAsync(c.GetArgument<ApiClientIdInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<ApiClientPayloadType>>("revokeApiClient").Argument<NonNullGraphType<ApiClientIdInputType>>("input")
            .ResolveAsync(async c => await c.Service<RevokeApiClient>().ExecuteAsync(c.GetArgument<ApiClientIdInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
    }
}
