using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The syntax-only pre-check that runs before the compiler binds anything. Roslyn's binder re-binds a lambda's body
/// once per candidate delegate type of every overload it might be passed to, so lambdas nested a few deep inside
/// overloaded calls (<c>new[]{1}.Sum(a =&gt; new[]{1}.Sum(b =&gt; ...))</c>, eight deep in ~165 characters) cost
/// exponential time, and deeply nested syntax costs deep recursion. Both are visible in the syntax tree alone, which is
/// parsed in linear time, so such sources are refused here in milliseconds with <see cref="ScriptDiagnosticCodes.Shape"/>
/// naming the limit and the place. What passes is still bounded by the out-of-process check's time limit
/// (<see cref="ScriptCheckPool"/>): these limits are the fast path, not the guarantee.
/// </summary>
public static class ScriptShapeLimits
{
    /// <summary>Deepest nesting of lambdas, anonymous methods and query expressions in a <c>RUN_SCRIPT</c>.</summary>
    public const int MaxLambdaDepth = 3;

    /// <summary>Most lambdas, anonymous methods and query expressions in one source.</summary>
    public const int MaxLambdas = 200;

    /// <summary>
    /// Deepest syntax nesting. Chains do not nest: <c>a + b + c</c>, <c>x.Where(..).Select(..)</c> and
    /// <c>else if</c> count as one level however long they are.
    /// </summary>
    public const int MaxNestingDepth = 64;

    private static readonly CSharpParseOptions ScriptParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>The refusals of <paramref name="source"/> as <paramref name="kind"/>; empty when its shape is within the limits.</summary>
    public static IReadOnlyList<ScriptDiagnostic> Check(string source, ScriptKind kind)
    {
        var tree = kind == ScriptKind.Expression
            ? SyntaxFactory.ParseExpression(source, 0, ScriptReferences.ExpressionParseOptions).SyntaxTree
            : CSharpSyntaxTree.ParseText(source, ScriptParseOptions);
        return Check(tree.GetRoot(), kind);
    }

    internal static IReadOnlyList<ScriptDiagnostic> Check(SyntaxNode root, ScriptKind kind)
    {
        // The parser gives up on nesting past its own stack guard and leaves an empty tree with CS8078.
        if (root.GetDiagnostics().FirstOrDefault(d => d.Id == "CS8078") is { } tooDeep)
        {
            var at = tooDeep.Location.GetLineSpan().StartLinePosition;
            return [new ScriptDiagnostic(ScriptDiagnostic.Error, ScriptDiagnosticCodes.Shape,
                $"The syntax is nested more than {MaxNestingDepth} deep (too deep for the parser); the limit is {MaxNestingDepth}. Split the expression into separate statements.",
                at.Line + 1, at.Character + 1, null)];
        }
        // Expressions may not contain lambdas at all (the semantic check refuses them too, but only after binding them).
        var maxLambdaDepth = kind == ScriptKind.Expression ? 0 : MaxLambdaDepth;
        var lambdas = 0;
        // Iterative on purpose: a hostile source nests thousands deep, and this walk must not be what overflows.
        var pending = new Stack<(SyntaxNode Node, int Depth, int LambdaDepth)>();
        pending.Push((root, 0, 0));
        while (pending.Count > 0)
        {
            var (node, depth, lambdaDepth) = pending.Pop();
            if (IsLambda(node))
            {
                lambdaDepth++;
                if (++lambdas > MaxLambdas)
                {
                    return [At(node, $"The source has more than {MaxLambdas} lambdas, anonymous methods and queries; the limit is {MaxLambdas}. Split the work into fewer, plainer steps.")];
                }
                if (lambdaDepth > maxLambdaDepth)
                {
                    return [At(node, kind == ScriptKind.Expression
                        ? "A condition expression may not contain lambdas, anonymous methods or query expressions (refused before compiling): it must be one bounded expression over Event."
                        : $"Lambdas are nested {lambdaDepth} deep here; the limit is {MaxLambdaDepth} (the compiler's work grows exponentially with nesting). Move the inner lambda into a local function or a separate statement.")];
                }
            }
            if (depth > MaxNestingDepth)
            {
                return [At(node, $"The syntax is nested more than {MaxNestingDepth} deep here; the limit is {MaxNestingDepth}. Split the expression into separate statements.")];
            }
            // Pushed last-first, so the walk (and the first refusal it reports) follows source order.
            foreach (var child in node.ChildNodes().Reverse())
            {
                pending.Push((child, IsChainContinuation(node, child) ? depth : depth + 1, lambdaDepth));
            }
        }
        return [];
    }

    private static bool IsLambda(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax or QueryExpressionSyntax or QueryContinuationSyntax;

    /// <summary>Whether <paramref name="child"/> continues <paramref name="parent"/>'s chain rather than nesting in it.</summary>
    private static bool IsChainContinuation(SyntaxNode parent, SyntaxNode child) => parent switch
    {
        BinaryExpressionSyntax binary => binary.Left == child,
        MemberAccessExpressionSyntax access => access.Expression == child,
        InvocationExpressionSyntax invocation => invocation.Expression == child,
        ElementAccessExpressionSyntax element => element.Expression == child,
        ConditionalAccessExpressionSyntax conditional => conditional.Expression == child || conditional.WhenNotNull == child,
        ElseClauseSyntax => child is IfStatementSyntax,
        IfStatementSyntax when parent.Parent is ElseClauseSyntax => child is ElseClauseSyntax,
        _ => false,
    };

    private static ScriptDiagnostic At(SyntaxNode node, string message)
    {
        var at = node.GetLocation().GetLineSpan().StartLinePosition;
        var span = node.Span;
        var symbol = node.SyntaxTree.GetText().ToString(new Microsoft.CodeAnalysis.Text.TextSpan(span.Start, Math.Min(span.Length, 40)));
        return new ScriptDiagnostic(ScriptDiagnostic.Error, ScriptDiagnosticCodes.Shape, message, at.Line + 1, at.Character + 1, symbol);
    }
}
