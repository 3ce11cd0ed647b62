using GraphQL.Types;

namespace Respond.Server.GraphQL;

/// <summary>An expected failure (validation, dual control, stale version...) returned in a mutation payload, never thrown.</summary>
public sealed record UserError(string Code, string Message, IReadOnlyList<string> Path)
{
    public UserError(string code, string message, string field) : this(code, message, ["input", field]) { }

    /// <summary>An error about a nested input field, e.g. <c>targets.2.deviceId</c> → ["input", "targets", "2", "deviceId"].</summary>
    public static UserError At(string code, string message, string dottedPath) => new(code, message, ["input", .. dottedPath.Split('.')]);

    public static UserError NotFound(string what, string field = "id") => new("NOT_FOUND", $"No {what} with that id is visible to you.", field);
}

public sealed class UserErrorType : ObjectGraphType<UserError>
{
    public UserErrorType()
    {
        Name = "UserError";
        Description = "An expected failure: the mutation changed nothing and says why.";
        Field(e => e.Code).Description("Stable machine-readable code, e.g. VALIDATION, STALE_VERSION, NOT_FOUND, DUAL_CONTROL.");
        Field(e => e.Message);
        Field(e => e.Path).Description("The input field the error is about, e.g. [\"input\", \"expectedVersion\"].");
    }
}
