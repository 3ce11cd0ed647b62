using GraphQL;
using GraphQL.Introspection;
using GraphQL.Resolvers;
using GraphQL.Types;

namespace Respond.Server.GraphQL;

/// <summary>
/// GraphQL.NET 8 answers `includeDeprecated` on field arguments and input fields (Features.DeprecationOfInputValues) but
/// not on `__Directive.args`, which graphql-js' getIntrospectionQuery({ inputValueDeprecation: true }) also asks for.
/// This adds the argument there with the spec draft's meaning: deprecated arguments only when it is true.
/// </summary>
internal static class DirectiveArgumentDeprecation
{
    private const string IncludeDeprecated = "includeDeprecated";

    public static void Apply(__Directive directive)
    {
        var args = directive.GetField("args");
        if (args is null || args.Arguments?.Find(IncludeDeprecated) is not null) return;
        args.Arguments ??= [];
        args.Arguments.Add(new QueryArgument<BooleanGraphType> { Name = IncludeDeprecated, DefaultValue = false });
        args.Resolver = new WithoutDeprecated(args.Resolver!);
    }

    private sealed class WithoutDeprecated(IFieldResolver inner) : IFieldResolver
    {
        public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            var all = await inner.ResolveAsync(context);
            if (context.GetArgument(IncludeDeprecated, false) || all is not IEnumerable<object> arguments) return all;
            return arguments.Where(a => a is not IProvideDeprecationReason { DeprecationReason: not null }).ToList();
        }
    }
}
