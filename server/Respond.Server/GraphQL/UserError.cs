using GraphQL.Types;

namespace Respond.Server.GraphQL;

/// <summary>An expected failure (validation, dual control, stale version...) returned in a mutation payload, never thrown.</summary>
public sealed record UserError(UserErrorCode Code, string Message, IReadOnlyList<string> Path)
{
    public UserError(UserErrorCode code, string message, string field) : this(code, message, ["input", field]) { }

    /// <summary>An error about a nested input field, e.g. <c>targets.2.deviceId</c> → ["input", "targets", "2", "deviceId"].</summary>
    public static UserError At(UserErrorCode code, string message, string dottedPath) => new(code, message, ["input", .. dottedPath.Split('.')]);

    public static UserError NotFound(string what, string field = "id") => new(UserErrorCode.NotFound, $"No {what} with that id is visible to you.", field);
}

public sealed class UserErrorType : ObjectGraphType<UserError>
{
    public UserErrorType()
    {
        Name = "UserError";
        Description = "An expected failure: the mutation changed nothing and says why.";
        Field<NonNullGraphType<UserErrorCodeType>>("code").Resolve(c => c.Source.Code)
            .Description("Stable machine-readable code; every value the API uses is a member of UserErrorCode (docs/graphql-api.md).");
        Field(e => e.Message);
        Field(e => e.Path).Description("The input field the error is about, e.g. [\"input\", \"expectedVersion\"].");
    }
}
