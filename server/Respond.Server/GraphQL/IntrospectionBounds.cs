using GraphQL.Validation;
using GraphQLParser.AST;

namespace Respond.Server.GraphQL;

/// <summary>
/// Introspection does not count towards the complexity limit (its size follows the schema, not the data: the
/// standard graphql-js query scores millions under list multipliers meant for data), so it is bounded here instead.
/// A list of the introspection types never nests inside itself (types › fields › type › fields …, which turns a
/// schema of a thousand fields into millions of results), and the operation expands (aliases, fragments) to a bounded
/// number of selections. graphql-js' getIntrospectionQuery() needs neither: it expands to a few hundred selections.
/// </summary>
internal sealed class IntrospectionBounds(int maxIntrospectionSelections) : ValidationRuleBase
{

    /// <summary>Any operation expanding its fragments beyond this many selections is far past every other limit too.</summary>
    private const int MaxExpandedSelections = 100_000;

    private static readonly HashSet<string> Lists = ["types", "directives", "fields", "args", "inputFields", "interfaces", "possibleTypes", "enumValues"];

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        var walk = new Expansion(context.Document, maxIntrospectionSelections);
        walk.Visit(context.Operation.SelectionSet, inIntrospection: false);
        if (walk.Refusal is { } refusal) context.ReportError(new ValidationError(refusal.Message) { Code = refusal.Code.ToSchemaName() });
        return default;
    }

    /// <summary>Walks the operation with its fragments expanded, as execution would, stopping at the first refusal.</summary>
    private sealed class Expansion(GraphQLDocument document, int maxIntrospectionSelections)
    {
        private readonly Dictionary<string, GraphQLFragmentDefinition> _fragments = document.Definitions
            .OfType<GraphQLFragmentDefinition>().GroupBy(f => f.FragmentName.Name.Value.ToString()).ToDictionary(g => g.Key, g => g.First());
        private readonly HashSet<string> _activeFragments = [];
        private readonly List<string> _lists = [];
        private int _selections;
        private int _introspectionSelections;

        public (UserErrorCode Code, string Message)? Refusal { get; private set; }

        public void Visit(GraphQLSelectionSet? set, bool inIntrospection)
        {
            if (set is null) return;
            foreach (var selection in set.Selections)
            {
                if (Refusal is not null) return;
                if (++_selections > MaxExpandedSelections)
                {
                    Refusal = (UserErrorCode.IntrospectionTooLarge, $"The operation expands to more than {MaxExpandedSelections} selections.");
                    return;
                }
                switch (selection)
                {
                    case GraphQLField field:
                        VisitField(field, inIntrospection);
                        break;
                    case GraphQLInlineFragment inline:
                        Visit(inline.SelectionSet, inIntrospection);
                        break;
                    // A fragment cycle is refused by the core rules; here it is only not followed.
                    case GraphQLFragmentSpread spread when _fragments.TryGetValue(spread.FragmentName.Name.Value.ToString(), out var fragment)
                                                          && _activeFragments.Add(fragment.FragmentName.Name.Value.ToString()):
                        Visit(fragment.SelectionSet, inIntrospection);
                        _activeFragments.Remove(fragment.FragmentName.Name.Value.ToString());
                        break;
                }
            }
        }

        private void VisitField(GraphQLField field, bool inIntrospection)
        {
            var name = field.Name.Value.ToString();
            if (!inIntrospection && name is not ("__schema" or "__type"))
            {
                Visit(field.SelectionSet, inIntrospection: false);
                return;
            }
            if (++_introspectionSelections > maxIntrospectionSelections)
            {
                Refusal = (UserErrorCode.IntrospectionTooLarge, $"The introspection in this operation expands to more than {maxIntrospectionSelections} selections (Respond:GraphQL:MaxIntrospectionSelections).");
                return;
            }
            var list = inIntrospection && Lists.Contains(name);
            if (list && _lists.Contains(name))
            {
                Refusal = (UserErrorCode.IntrospectionRecursive, $"Introspection '{name}' nested inside '{name}' ({string.Join(" > ", _lists)} > {name}); ask for the nested type with __type(name:) instead.");
                return;
            }
            if (list) _lists.Add(name);
            Visit(field.SelectionSet, inIntrospection: true);
            if (list) _lists.RemoveAt(_lists.Count - 1);
        }
    }

    /// <summary>True when every top-level selection of the operation is an introspection meta field.</summary>
    public static bool IsIntrospectionOnly(GraphQLOperationDefinition operation, GraphQLDocument document)
    {
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToList();
        return Only(operation.SelectionSet, 0);

        bool Only(GraphQLSelectionSet set, int nesting) => nesting < 8 && set.Selections.All(selection => selection switch
        {
            GraphQLField field => field.Name.Value.ToString() is "__schema" or "__type" or "__typename",
            GraphQLInlineFragment inline => Only(inline.SelectionSet, nesting + 1),
            GraphQLFragmentSpread spread => fragments.FirstOrDefault(f => f.FragmentName.Name.Value.ToString() == spread.FragmentName.Name.Value.ToString()) is { } f && Only(f.SelectionSet, nesting + 1),
            _ => false,
        });
    }
}
