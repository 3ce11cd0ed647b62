using GraphQL.Types;
using GraphQL.Utilities;

namespace Respond.Server.GraphQL;

/// <summary>
/// One length limit for every text a caller filters or looks things up by: each text or ID field of a
/// <c>*FilterInput</c> and each ID argument of a query or subscription. Without it a 100,000-character
/// <c>RuleFilterInput.text</c> reached SQLite as a LIKE pattern and came back as an INTERNAL error; now the request is
/// refused before it runs with a validation error naming the field.
/// </summary>
public sealed class SearchTextLimit : BaseSchemaNodeVisitor
{
    /// <summary>Longer than any id, name or search Respond stores or needs.</summary>
    public const int MaxLength = 256;

    public override void VisitInputObjectFieldDefinition(FieldType field, IInputObjectGraphType type, ISchema schema)
    {
        if (type.Name.EndsWith("FilterInput", StringComparison.Ordinal) && IsText(field.ResolvedType))
            field.Validator += Bounded($"{type.Name}.{field.Name}");
    }

    public override void VisitObjectFieldArgumentDefinition(QueryArgument argument, FieldType field, IObjectGraphType type, ISchema schema)
    {
        if (type.Name is "Query" or "Subscription" && Unwrap(argument.ResolvedType) is IdGraphType)
            argument.Validator += Bounded($"{field.Name}({argument.Name})");
    }

    private static bool IsText(IGraphType? type) => Unwrap(type) is StringGraphType or IdGraphType;

    private static IGraphType? Unwrap(IGraphType? type) => type is NonNullGraphType nonNull ? nonNull.ResolvedType : type;

    private static Action<object?> Bounded(string name) => value =>
    {
        if (value is string text && text.Length > MaxLength)
            throw new ArgumentException($"{name} is {text.Length} characters long; at most {MaxLength} are accepted.");
    };
}
