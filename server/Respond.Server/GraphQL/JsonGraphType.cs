using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Respond.Server.GraphQL;

/// <summary>`scalar JSON`: any JSON value, carried as <see cref="JsonElement"/> so definitions round-trip unchanged.</summary>
public sealed class JsonGraphType : ScalarGraphType
{
    public JsonGraphType()
    {
        Name = "JSON";
        Description = "Any JSON value: rule definitions, event payloads, action parameters, connector settings.";
    }

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        JsonElement e => e.Clone(),
        _ => JsonSerializer.SerializeToElement(value),
    };

    public override object? ParseLiteral(GraphQLValue value) => JsonSerializer.SerializeToElement(FromLiteral(value));

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        string s => JsonDocument.Parse(s).RootElement.Clone(),
        _ => value,
    };

    public override bool CanParseLiteral(GraphQLValue value) => value is not GraphQLVariable;

    private static object? FromLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLBooleanValue b => b.BoolValue,
        GraphQLIntValue i => decimal.Parse(i.Value.Span, provider: System.Globalization.CultureInfo.InvariantCulture),
        GraphQLFloatValue f => double.Parse(f.Value.Span, provider: System.Globalization.CultureInfo.InvariantCulture),
        GraphQLStringValue s => s.Value.ToString(),
        GraphQLEnumValue e => e.Name.StringValue,
        GraphQLListValue l => l.Values?.Select(FromLiteral).ToList() ?? [],
        GraphQLObjectValue o => o.Fields?.ToDictionary(f => f.Name.StringValue, f => FromLiteral(f.Value)) ?? [],
        _ => throw new InvalidOperationException("Unsupported JSON literal."),
    };
}
