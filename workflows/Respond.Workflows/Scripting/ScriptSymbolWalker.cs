using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// Walks a checked script twice: every syntax node (symbol info, type and converted type, user-defined conversions,
/// declared signatures, foreach/await/deconstruction/collection-initializer/query symbols, directives and refused
/// language features), then every operation (the implicit calls the syntax does not show: interpolated-string
/// handlers, pattern Deconstruct/indexers, collection-expression builders, operator methods). Each symbol must pass
/// <see cref="ScriptRefusals"/> and <see cref="ScriptAllowList"/>; generic type arguments and array elements are
/// checked recursively, so <c>List&lt;System.IO.FileInfo&gt;</c> is refused as well.
/// </summary>
internal sealed class ScriptSymbolWalker(SemanticModel model, ScriptKind kind, TextSpan? scope, ScriptDiagnosticList diagnostics, CancellationToken ct)
{
    private readonly ScriptAllowList allowList = ScriptAllowList.For(kind);
    private readonly IAssemblySymbol self = model.Compilation.Assembly;

    /// <summary>Fully qualified, without C# keywords for special types, so a refusal names <c>System.Object.GetType()</c>.</summary>
    internal static readonly SymbolDisplayFormat Display = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.None);

    public void Walk(SyntaxNode root)
    {
        var roots = new HashSet<IOperation>();
        foreach (var node in root.DescendantNodesAndSelf(descendIntoTrivia: true))
        {
            ct.ThrowIfCancellationRequested();
            if (!InScope(node))
            {
                continue;
            }
            CheckSyntax(node);
            if (node.IsStructuredTrivia || node is DirectiveTriviaSyntax || node.Parent is DirectiveTriviaSyntax)
            {
                continue;
            }
            CheckSemantics(node);
            if (model.GetOperation(node, ct) is { } operation)
            {
                while (operation.Parent is not null)
                {
                    operation = operation.Parent;
                }
                roots.Add(operation);
            }
        }
        foreach (var operation in roots.SelectMany(r => r.DescendantsAndSelf()))
        {
            ct.ThrowIfCancellationRequested();
            if (InScope(operation.Syntax))
            {
                CheckOperation(operation);
            }
        }
        foreach (var token in root.DescendantTokens(descendIntoTrivia: false))
        {
            if (InScope(token.Parent!) && token.Kind() is SyntaxKind.UnsafeKeyword or SyntaxKind.ExternKeyword)
            {
                Feature(token.Parent!, token.Text, $"'{token.Text}' is not allowed in scripts (unsafe code and native interop are refused).");
            }
        }
    }

    private bool InScope(SyntaxNode node) => scope is null || scope.Value.Contains(node.Span);

    private void CheckSyntax(SyntaxNode node)
    {
        switch (node)
        {
            case ReferenceDirectiveTriviaSyntax:
                Report(ScriptDiagnosticCodes.Directive, node, "#r", "'#r' is not allowed: scripts cannot reference assemblies.");
                return;
            case LoadDirectiveTriviaSyntax:
                Report(ScriptDiagnosticCodes.Directive, node, "#load", "'#load' is not allowed: scripts cannot load other files.");
                return;
            case UnsafeStatementSyntax:
                Feature(node, "unsafe", "'unsafe' blocks are not allowed in scripts.");
                return;
            case FixedStatementSyntax:
                Feature(node, "fixed", "'fixed' (pinning memory) is not allowed in scripts.");
                return;
            case PointerTypeSyntax or FunctionPointerTypeSyntax:
                Feature(node, node.ToString(), "Pointer types are not allowed in scripts.");
                return;
            case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                Feature(node, "stackalloc", "'stackalloc' is not allowed in scripts.");
                return;
            case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                Feature(node, node.GetFirstToken().Text, "Typed references (__makeref, __reftype, __refvalue) are not allowed in scripts.");
                return;
            case DestructorDeclarationSyntax:
                Feature(node, "~" + ((DestructorDeclarationSyntax)node).Identifier.Text, "Finalizers are not allowed: they run on the runtime's finalizer thread, outside the script's limits.");
                return;
            case LockStatementSyntax:
                Feature(node, "lock", "'lock' is not allowed: scripts have no threads to synchronise with.");
                return;
        }
        if (node.IsKind(SyntaxKind.ArgListExpression))
        {
            Feature(node, "__arglist", "'__arglist' is not allowed in scripts.");
        }
        if (kind == ScriptKind.Expression)
        {
            CheckExpressionShape(node);
        }
    }

    /// <summary>The bounded-cost subset: one expression, no code that loops, recurses, allocates by a number or mutates.</summary>
    private void CheckExpressionShape(SyntaxNode node)
    {
        var refusal = node switch
        {
            AnonymousFunctionExpressionSyntax => "lambdas and anonymous methods",
            QueryExpressionSyntax => "query expressions",
            StatementSyntax => "statements",
            AssignmentExpressionSyntax => "assignments",
            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when node.Kind() is SyntaxKind.PreIncrementExpression
                or SyntaxKind.PreDecrementExpression or SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression => "increments and decrements",
            ArrayCreationExpressionSyntax array when array.Type.RankSpecifiers.Any(r => r.Sizes.Any(s => s is not OmittedArraySizeExpressionSyntax))
                => "arrays sized by a number",
            InterpolatedStringExpressionSyntax => "interpolated strings (alignment widths are unbounded)",
            ThrowExpressionSyntax => "throw expressions",
            AwaitExpressionSyntax => "await",
            WithExpressionSyntax => "with expressions",
            ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax => "creating objects",
            _ => null,
        };
        if (refusal is not null)
        {
            Report(ScriptDiagnosticCodes.ExpressionShape, node, Describe(node),
                $"A condition expression may not contain {refusal}: it must be one bounded expression over Event.");
        }
    }

    private void CheckSemantics(SyntaxNode node)
    {
        if (node is UsingDirectiveSyntax usingDirective)
        {
            CheckUsing(usingDirective);
            return;
        }
        var info = model.GetSymbolInfo(node, ct);
        CheckSymbol(info.Symbol, node);
        if (node is ExpressionSyntax expression)
        {
            var type = model.GetTypeInfo(expression, ct);
            CheckType(type.Type, node);
            CheckType(type.ConvertedType, node);
            var conversion = model.GetConversion(expression, ct);
            if (conversion.IsUserDefined)
            {
                CheckSymbol(conversion.MethodSymbol, node);
            }
        }
        CheckDeclared(model.GetDeclaredSymbol(node, ct), node);
        switch (node)
        {
            case CommonForEachStatementSyntax forEach:
                var loop = model.GetForEachStatementInfo(forEach);
                CheckSymbol(loop.GetEnumeratorMethod, node);
                CheckSymbol(loop.MoveNextMethod, node);
                CheckSymbol(loop.CurrentProperty, node);
                CheckSymbol(loop.DisposeMethod, node);
                CheckType(loop.ElementType, node);
                if (loop.ElementConversion.IsUserDefined)
                {
                    CheckSymbol(loop.ElementConversion.MethodSymbol, node);
                }
                if (forEach is ForEachVariableStatementSyntax variables)
                {
                    CheckDeconstruction(model.GetDeconstructionInfo(variables), node);
                }
                break;
            case AwaitExpressionSyntax awaitExpression:
                var awaiter = model.GetAwaitExpressionInfo(awaitExpression);
                CheckSymbol(awaiter.GetAwaiterMethod, node);
                CheckSymbol(awaiter.IsCompletedProperty, node);
                CheckSymbol(awaiter.GetResultMethod, node);
                break;
            case InitializerExpressionSyntax initializer when initializer.IsKind(SyntaxKind.CollectionInitializerExpression):
                foreach (var element in initializer.Expressions)
                {
                    var add = model.GetCollectionInitializerSymbolInfo(element, ct);
                    CheckSymbol(add.Symbol, element);
                }
                break;
            case AssignmentExpressionSyntax assignment when assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax:
                CheckDeconstruction(model.GetDeconstructionInfo(assignment), node);
                break;
            case QueryClauseSyntax clause:
                var query = model.GetQueryClauseInfo(clause, ct);
                CheckSymbol(query.CastInfo.Symbol, node);
                CheckSymbol(query.OperationInfo.Symbol, node);
                break;
        }
    }

    private void CheckUsing(UsingDirectiveSyntax directive)
    {
        var target = model.GetSymbolInfo(directive.NamespaceOrType, ct).Symbol;
        switch (target)
        {
            case INamespaceSymbol ns when directive.Alias is null:
                var name = ns.ToDisplayString(Display);
                if (!allowList.IsNamespaceAllowed(name))
                {
                    var reason = ScriptRefusals.ForNamespace(name);
                    Report(reason is null ? ScriptDiagnosticCodes.NotAllowed : ScriptDiagnosticCodes.Refused, directive, name,
                        reason is null
                            ? $"'using {name}' is not allowed: the namespace is not on the script allow-list."
                            : $"'using {name}' is refused in scripts: {reason}.");
                }
                break;
            case INamespaceSymbol ns:
                if (!allowList.IsNamespaceAllowed(ns.ToDisplayString(Display)))
                {
                    var reason = ScriptRefusals.ForNamespace(ns.ToDisplayString(Display));
                    Report(reason is null ? ScriptDiagnosticCodes.NotAllowed : ScriptDiagnosticCodes.Refused, directive, ns.ToDisplayString(Display),
                        $"The alias '{directive.Alias!.Name}' names the namespace '{ns.ToDisplayString(Display)}', which is not allowed{(reason is null ? "" : ": " + reason)}.");
                }
                break;
            default:
                CheckSymbol(target, directive.NamespaceOrType);
                break;
        }
    }

    private void CheckDeclared(ISymbol? declared, SyntaxNode node)
    {
        switch (declared)
        {
            case IMethodSymbol method:
                CheckType(method.ReturnType, node);
                foreach (var parameter in method.Parameters)
                {
                    CheckType(parameter.Type, node);
                }
                break;
            case IPropertySymbol property:
                CheckType(property.Type, node);
                break;
            case IFieldSymbol field:
                CheckType(field.Type, node);
                break;
            case IEventSymbol @event:
                CheckType(@event.Type, node);
                break;
            case ILocalSymbol local:
                CheckType(local.Type, node);
                break;
            case IParameterSymbol parameter:
                CheckType(parameter.Type, node);
                break;
            case INamedTypeSymbol type when node is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                CheckType(type.BaseType, node);
                foreach (var implemented in type.Interfaces)
                {
                    CheckType(implemented, node);
                }
                break;
        }
    }

    private void CheckDeconstruction(DeconstructionInfo info, SyntaxNode node)
    {
        CheckSymbol(info.Method, node);
        if (info.Conversion is { IsUserDefined: true } conversion)
        {
            CheckSymbol(conversion.MethodSymbol, node);
        }
        foreach (var nested in info.Nested)
        {
            CheckDeconstruction(nested, node);
        }
    }

    private void CheckOperation(IOperation operation)
    {
        var node = operation.Syntax;
        CheckType(operation.Type, node);
        switch (operation)
        {
            case IInvocationOperation invocation:
                CheckSymbol(invocation.TargetMethod, node);
                break;
            case IObjectCreationOperation creation:
                CheckSymbol(creation.Constructor, node);
                break;
            case IPropertyReferenceOperation property:
                CheckSymbol(property.Property, node);
                break;
            case IFieldReferenceOperation field:
                CheckSymbol(field.Field, node);
                break;
            case IEventReferenceOperation @event:
                CheckSymbol(@event.Event, node);
                break;
            case IMethodReferenceOperation method:
                CheckSymbol(method.Method, node);
                break;
            case IBinaryOperation binary:
                CheckSymbol(binary.OperatorMethod, node);
                break;
            case IUnaryOperation unary:
                CheckSymbol(unary.OperatorMethod, node);
                break;
            case IIncrementOrDecrementOperation increment:
                CheckSymbol(increment.OperatorMethod, node);
                break;
            case ICompoundAssignmentOperation compound:
                CheckSymbol(compound.OperatorMethod, node);
                CheckSymbol(compound.InConversion.MethodSymbol, node);
                CheckSymbol(compound.OutConversion.MethodSymbol, node);
                break;
            case IConversionOperation conversion:
                CheckSymbol(conversion.OperatorMethod, node);
                break;
            case ITypeOfOperation typeOf:
                CheckType(typeOf.TypeOperand, node);
                break;
            case IWithOperation with:
                CheckSymbol(with.CloneMethod, node);
                break;
            case IRecursivePatternOperation pattern:
                CheckSymbol(pattern.DeconstructSymbol, node);
                CheckType(pattern.MatchedType, node);
                break;
            case IListPatternOperation list:
                CheckSymbol(list.LengthSymbol, node);
                CheckSymbol(list.IndexerSymbol, node);
                break;
            case ISlicePatternOperation slice:
                CheckSymbol(slice.SliceSymbol, node);
                break;
            case IImplicitIndexerReferenceOperation indexer:
                CheckSymbol(indexer.LengthSymbol, node);
                CheckSymbol(indexer.IndexerSymbol, node);
                break;
            case ICollectionExpressionOperation collection:
                CheckSymbol(collection.ConstructMethod, node);
                break;
            case IAnonymousFunctionOperation function:
                CheckDeclared(function.Symbol, node);
                break;
            case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                Feature(node, "dynamic", "'dynamic' is not allowed in scripts: late binding escapes the allow-list.");
                break;
            case IAddressOfOperation or IFunctionPointerInvocationOperation:
                Feature(node, node.ToString(), "Pointers are not allowed in scripts.");
                break;
        }
    }

    private void CheckSymbol(ISymbol? symbol, SyntaxNode node)
    {
        switch (symbol)
        {
            case null or INamespaceSymbol or ILabelSymbol or IRangeVariableSymbol or IPreprocessingSymbol or ITypeParameterSymbol:
                return;
            case IAliasSymbol alias:
                CheckSymbol(alias.Target, node);
                return;
            case ITypeSymbol type:
                CheckType(type, node);
                return;
            case ILocalSymbol local:
                CheckType(local.Type, node);
                return;
            case IParameterSymbol parameter:
                CheckType(parameter.Type, node);
                return;
            case IDiscardSymbol discard:
                CheckType(discard.Type, node);
                return;
            default:
                CheckMember(symbol, node);
                return;
        }
    }

    private void CheckMember(ISymbol member, SyntaxNode node)
    {
        if (member is IMethodSymbol method)
        {
            if (method.MethodKind == MethodKind.BuiltinOperator)
            {
                return;
            }
            foreach (var argument in method.TypeArguments)
            {
                CheckType(argument, node);
            }
            if (method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction && kind == ScriptKind.RunScript)
            {
                return;
            }
            member = method.ReducedFrom ?? method;
        }
        if (IsDeclaredInSource(member))
        {
            if (kind == ScriptKind.Expression)
            {
                Report(ScriptDiagnosticCodes.ExpressionShape, node, member.ToDisplayString(Display),
                    "A condition expression may only read Event: it cannot call back into itself (no recursion).");
            }
            return;
        }
        var containing = member.ContainingType;
        if (containing is null || containing.IsAnonymousType)
        {
            return;
        }
        if (containing.IsTupleType)
        {
            CheckType(containing, node);
            return;
        }
        var typeKey = TypeKey(containing);
        var symbolText = member.OriginalDefinition.ToDisplayString(Display);
        if (TypeRefusal(containing) is { } typeRefusal)
        {
            Report(typeRefusal.Code, node, symbolText, $"'{symbolText}' is {typeRefusal.Message}.");
            CheckContainingTypeArguments(containing, node);
            return;
        }
        if (ScriptRefusals.ForMember(typeKey, member.Name) is { } reason)
        {
            Report(ScriptDiagnosticCodes.Refused, node, symbolText, $"'{symbolText}' is refused in scripts: {reason}.");
        }
        else if (allowList.MemberRefusal(typeKey, member.OriginalDefinition) is { } notAllowed)
        {
            Report(ScriptDiagnosticCodes.NotAllowed, node, symbolText, $"'{symbolText}' is not allowed: {notAllowed} (see docs/scripting.md).");
        }
        CheckContainingTypeArguments(containing, node);
    }

    private void CheckContainingTypeArguments(INamedTypeSymbol containing, SyntaxNode node)
    {
        for (var type = containing; type is not null; type = type.ContainingType)
        {
            foreach (var argument in type.TypeArguments)
            {
                CheckType(argument, node);
            }
        }
    }

    private void CheckType(ITypeSymbol? type, SyntaxNode node)
    {
        switch (type)
        {
            case null or IErrorTypeSymbol or ITypeParameterSymbol:
                return;
            case IDynamicTypeSymbol:
                Feature(node, "dynamic", "'dynamic' is not allowed in scripts: late binding escapes the allow-list.");
                return;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                Feature(node, type.ToDisplayString(Display), "Pointer types are not allowed in scripts.");
                return;
            case IArrayTypeSymbol array:
                CheckType(array.ElementType, node);
                return;
            case INamedTypeSymbol named:
                if (named.IsTupleType)
                {
                    foreach (var element in named.TupleElements)
                    {
                        CheckType(element.Type, node);
                    }
                    return;
                }
                if (named.IsAnonymousType || IsDeclaredInSource(named) || named is { TypeKind: TypeKind.Delegate, IsImplicitlyDeclared: true })
                {
                    if (IsDeclaredInSource(named) && kind == ScriptKind.Expression && !named.IsAnonymousType)
                    {
                        Report(ScriptDiagnosticCodes.ExpressionShape, node, named.ToDisplayString(Display),
                            "A condition expression may only read Event: it cannot name its own wrapper.");
                    }
                    if (named.DelegateInvokeMethod is { } invoke)
                    {
                        CheckDeclared(invoke, node);
                    }
                    return;
                }
                if (TypeRefusal(named) is { } refusal)
                {
                    var text = named.OriginalDefinition.ToDisplayString(Display);
                    Report(refusal.Code, node, text, $"'{text}' is {refusal.Message}.");
                }
                CheckContainingTypeArguments(named, node);
                return;
        }
    }

    private (string Code, string Message)? TypeRefusal(INamedTypeSymbol type)
    {
        var key = TypeKey(type);
        var ns = type.OriginalDefinition.ContainingNamespace?.ToDisplayString(Display) ?? "";
        if (ScriptRefusals.ForType(key, ns, allowList) is { } reason)
        {
            return (ScriptDiagnosticCodes.Refused, "refused in scripts: " + reason);
        }
        return allowList.IsTypeListed(key)
            ? null
            : (ScriptDiagnosticCodes.NotAllowed, "not on the script allow-list (see docs/scripting.md)");
    }

    private bool IsDeclaredInSource(ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, self) || symbol.Locations.Any(l => l.IsInSource);

    /// <summary>The allow-list key: namespace + metadata name, nested types joined by '+', e.g. <c>System.Collections.Generic.List`1+Enumerator</c>.</summary>
    internal static string TypeKey(INamedTypeSymbol type)
    {
        type = type.OriginalDefinition;
        if (type.ContainingType is { } outer)
        {
            return TypeKey(outer) + "+" + type.MetadataName;
        }
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(Display) + "." : "";
        return ns + type.MetadataName;
    }

    private void Feature(SyntaxNode node, string symbol, string message) => Report(ScriptDiagnosticCodes.Feature, node, symbol, message);

    private void Report(string code, SyntaxNode node, string? symbol, string message) =>
        diagnostics.Add(ScriptDiagnostic.Error, code, message, node.Span, symbol);

    private static string Describe(SyntaxNode node)
    {
        var text = node.ToString();
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
