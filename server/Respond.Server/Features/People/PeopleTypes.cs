using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.People;

public sealed class UserType : ObjectGraphType<UserAccount>
{
    public UserType()
    {
        Name = "User";
        Description = "A person who signs in to the designer.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(u => u.UserName);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(c => c.Source.Roles.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("organizations").Description("Organization ids; \"*\" is every organization.")
            .Resolve(c => c.Source.Organizations.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<BooleanGraphType>>("disabled").Resolve(c => c.Source.DisabledAt is not null);
        Field(u => u.DisabledAt, nullable: true);
        Field(u => u.CreatedAt);
    }
}

public sealed class ApiClientType : ObjectGraphType<ServiceClient>
{
    public ApiClientType()
    {
        Name = "ApiClient";
        Description = "An OAuth2 client-credentials client (a partner or a sensor).";
        Field<NonNullGraphType<IdGraphType>>("clientId").Resolve(c => c.Source.ClientId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(c => c.Source.Roles.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("organizations").Resolve(c => c.Source.Organizations.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<BooleanGraphType>>("revoked").Resolve(c => c.Source.RevokedAt is not null);
        Field(s => s.RevokedAt, nullable: true);
    }
}

public sealed record UserPayload(UserAccount? User, IReadOnlyList<UserError> Errors)
{
    public static UserPayload Fail(UserError error) => new(null, [error]);
}

public sealed class UserPayloadType : ObjectGraphType<UserPayload>
{
    public UserPayloadType()
    {
        Name = "UserPayload";
        Field<UserType>("user").Resolve(c => c.Source.User);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary><see cref="Secret"/> is set only by createApiClient and rotateApiClientSecret: it is shown this once and never stored in clear.</summary>
public sealed record ApiClientPayload(ServiceClient? ApiClient, string? Secret, IReadOnlyList<UserError> Errors)
{
    public static ApiClientPayload Fail(UserError error) => new(null, null, [error]);
}

public sealed class ApiClientPayloadType : ObjectGraphType<ApiClientPayload>
{
    public ApiClientPayloadType()
    {
        Name = "ApiClientPayload";
        Field<ApiClientType>("apiClient").Resolve(c => c.Source.ApiClient);
        Field<StringGraphType>("secret").Description("The client secret, shown only in this answer; store it now.").Resolve(c => c.Source.Secret);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
