using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The static check every script and expression passes before anything runs (the designer's <c>validateScript</c>,
/// saving a rule, and again inside the worker): parse, compile against <see cref="ScriptReferences"/>, then walk the
/// semantic model and refuse every symbol that is not on the allow-list (<see cref="ScriptAllowList"/>), with the line,
/// column and symbol. Compiler errors and warnings come back as diagnostics too. A check never runs the script.
/// </summary>
public static class ScriptChecker
{
    /// <summary>Largest <c>RUN_SCRIPT</c> source accepted (characters).</summary>
    public const int MaxScriptLength = 64 * 1024;

    /// <summary>Largest <c>condition.expression</c> accepted (characters).</summary>
    public const int MaxExpressionLength = 4 * 1024;

    /// <summary>Most diagnostics reported for one source.</summary>
    public const int MaxDiagnostics = 100;

    /// <summary>
    /// How long one check may take. The compiler's binder can be driven into exponential work (nested overloaded
    /// lambdas) and does not observe cancellation everywhere, so this cooperative limit is not the guarantee: sources
    /// from users are checked through <see cref="ScriptCheckPool"/>, whose checker worker is killed at this limit, and
    /// <see cref="ScriptShapeLimits"/> refuses the known bombs before binding.
    /// </summary>
    public static readonly TimeSpan CheckTimeLimit = TimeSpan.FromSeconds(10);

    internal const string ExpressionClass = "Respond.Expressions.CompiledExpression";
    internal const string ExpressionMethod = "Evaluate";
    private const string ExpressionPrefix =
        "using System; using System.Linq; using System.Text.Json; namespace Respond.Expressions { public static class CompiledExpression { public static bool Evaluate(global::Respond.Workflows.Scripting.ScriptEvent Event) => (\n";
    private const string ExpressionSuffix = "\n); } }\n";

    /// <summary>
    /// Checks <paramref name="source"/> as <paramref name="kind"/>; an empty list (or warnings only) means it may run.
    /// <paramref name="timeLimit"/> bounds the check (default <see cref="CheckTimeLimit"/>).
    /// </summary>
    public static IReadOnlyList<ScriptDiagnostic> Check(string source, ScriptKind kind, CancellationToken ct = default, TimeSpan? timeLimit = null) =>
        kind == ScriptKind.Expression ? CheckExpression(source, ct, timeLimit).Diagnostics : CheckScript(source, ct, timeLimit ?? CheckTimeLimit);

    /// <summary>Whether the diagnostics allow the script to run (no errors).</summary>
    public static bool Passes(IReadOnlyList<ScriptDiagnostic> diagnostics) => !diagnostics.Any(d => d.IsError);

    /// <summary>
    /// The refusals decided from the text alone, without binding anything (size, the expression's single-expression
    /// shape, <see cref="ScriptShapeLimits"/>): milliseconds however hostile the source. Empty means the semantic check
    /// must decide; <see cref="ScriptCheckPool"/> runs that part in a worker it can kill.
    /// </summary>
    public static IReadOnlyList<ScriptDiagnostic> CheckSyntax(string source, ScriptKind kind) =>
        (kind == ScriptKind.Expression ? ExpressionSyntaxRefusals(source) : ScriptSyntaxRefusals(source)) ?? [];

    private static IReadOnlyList<ScriptDiagnostic>? ScriptSyntaxRefusals(string source)
    {
        if (source.Length > MaxScriptLength)
        {
            return [Limit($"The script is {source.Length} characters; the limit is {MaxScriptLength}.")];
        }
        // Refused from the syntax alone, before the binder can be driven into exponential work.
        return ScriptShapeLimits.Check(source, ScriptKind.RunScript) is { Count: > 0 } shape ? shape : null;
    }

    private static IReadOnlyList<ScriptDiagnostic> CheckScript(string source, CancellationToken ct, TimeSpan timeLimit)
    {
        if (ScriptSyntaxRefusals(source) is { } refusals)
        {
            return refusals;
        }
        return Guarded(ct, timeLimit, token =>
        {
            var compilation = ScriptReferences.CreateScript(source).GetCompilation();
            var tree = compilation.SyntaxTrees.Single();
            var text = tree.GetText(token);
            var diagnostics = new ScriptDiagnosticList(span => text.Lines.GetLinePosition(span.Start));
            Compiler(compilation, tree, null, diagnostics, token);
            var walker = new ScriptSymbolWalker(compilation.GetSemanticModel(tree), ScriptKind.RunScript, null, diagnostics, token);
            walker.Walk(tree.GetRoot(token));
            return (IReadOnlyList<ScriptDiagnostic>)diagnostics.ToList();
        }, refusal => [refusal]);
    }

    /// <summary>
    /// Checks an expression and, when it passes, returns the compilation to emit. <c>TimedOut</c> says the check was
    /// stopped by <paramref name="timeLimit"/> (default <see cref="CheckTimeLimit"/>): that refusal is about this moment's
    /// machine as much as about the text, so callers must not remember it as the expression's answer.
    /// </summary>
    internal static (IReadOnlyList<ScriptDiagnostic> Diagnostics, CSharpCompilation? Compilation, bool TimedOut) CheckExpression(
        string expression, CancellationToken ct, TimeSpan? timeLimit = null)
    {
        if (ExpressionSyntaxRefusals(expression) is { } refusals)
        {
            return (refusals, null, false);
        }
        var text = SourceText.From(expression);
        var diagnostics = new ScriptDiagnosticList(span => text.Lines.GetLinePosition(Math.Clamp(span.Start - ExpressionPrefix.Length, 0, expression.Length)));
        var result = Guarded(ct, timeLimit ?? CheckTimeLimit, token =>
        {
            var tree = CSharpSyntaxTree.ParseText(ExpressionPrefix + expression + ExpressionSuffix, ScriptReferences.ExpressionParseOptions, cancellationToken: token);
            var compilation = CSharpCompilation.Create(
                "expression-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(expression)))[..16],
                [tree], ScriptReferences.References, ScriptReferences.ExpressionCompilationOptions);
            var scope = new TextSpan(ExpressionPrefix.Length, expression.Length);
            Compiler(compilation, tree, scope, diagnostics, token);
            var walker = new ScriptSymbolWalker(compilation.GetSemanticModel(tree), ScriptKind.Expression, scope, diagnostics, token);
            walker.Walk(tree.GetRoot(token));
            return ((IReadOnlyList<ScriptDiagnostic>)diagnostics.ToList(), (CSharpCompilation?)compilation, false);
        }, refusal => ([refusal], null, true));
        return result;
    }

    private static IReadOnlyList<ScriptDiagnostic>? ExpressionSyntaxRefusals(string expression)
    {
        if (expression.Length > MaxExpressionLength)
        {
            return [Limit($"The expression is {expression.Length} characters; the limit is {MaxExpressionLength}.")];
        }
        var text = SourceText.From(expression);
        // Parse the expression alone first, so nothing after it can reach the wrapper (no ';', no '}', no directives).
        var parsed = SyntaxFactory.ParseExpression(expression, 0, ScriptReferences.ExpressionParseOptions);
        if (string.IsNullOrWhiteSpace(expression))
        {
            return [Shape("The expression is empty.", 1, 1, null)];
        }
        if (parsed.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList() is { Count: > 0 } errors)
        {
            return [.. errors.Take(MaxDiagnostics).Select(d => At(d, text.Lines.GetLinePosition(d.Location.SourceSpan.Start)))];
        }
        if (parsed.FullSpan.End != expression.Length || parsed.ContainsDirectives)
        {
            var at = text.Lines.GetLinePosition(Math.Min(parsed.FullSpan.End, expression.Length));
            return [Shape("A condition expression must be exactly one C# expression (no statements, ';' or directives).", at.Line + 1, at.Character + 1, null)];
        }
        return ScriptShapeLimits.Check(parsed, ScriptKind.Expression) is { Count: > 0 } shape ? shape : null;
    }

    private static void Compiler(Compilation compilation, SyntaxTree tree, TextSpan? scope, ScriptDiagnosticList diagnostics, CancellationToken ct)
    {
        foreach (var d in compilation.GetDiagnostics(ct))
        {
            if (d.Severity < DiagnosticSeverity.Warning || d.Location.SourceTree != tree && d.Location != Location.None)
            {
                continue;
            }
            var span = d.Location.SourceSpan;
            var symbol = d.Location.IsInSource && span.Length is > 0 and <= 200 && (scope is null || scope.Value.Contains(span))
                ? tree.GetText(ct).ToString(span)
                : null;
            diagnostics.Add(d.Severity == DiagnosticSeverity.Error ? ScriptDiagnostic.Error : ScriptDiagnostic.Warning, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), span, symbol);
        }
    }

    private static T Guarded<T>(CancellationToken ct, TimeSpan limit, Func<CancellationToken, T> check, Func<ScriptDiagnostic, T> timedOut)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (limit > TimeSpan.Zero) timeout.CancelAfter(limit);
        else timeout.Cancel(); // no time at all: refused without starting
        try
        {
            timeout.Token.ThrowIfCancellationRequested();
            return check(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return timedOut(Limit($"Checking took longer than {limit.TotalSeconds:0.#} s; simplify the script."));
        }
    }

    private static ScriptDiagnostic Limit(string message) => new(ScriptDiagnostic.Error, ScriptDiagnosticCodes.Limit, message, 1, 1, null);

    private static ScriptDiagnostic Shape(string message, int line, int column, string? symbol) =>
        new(ScriptDiagnostic.Error, ScriptDiagnosticCodes.ExpressionShape, message, line, column, symbol);

    private static ScriptDiagnostic At(Diagnostic d, LinePosition at) =>
        new(ScriptDiagnostic.Error, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), at.Line + 1, at.Character + 1, null);
}

/// <summary>Diagnostics in source order without duplicates (one symbol at one place is reported once), capped.</summary>
internal sealed class ScriptDiagnosticList(Func<TextSpan, LinePosition> position)
{
    private readonly List<(int Start, ScriptDiagnostic Diagnostic)> items = [];
    private readonly HashSet<(int, string, string?)> seen = [];

    public void Add(string severity, string code, string message, TextSpan span, string? symbol)
    {
        if (items.Count >= ScriptChecker.MaxDiagnostics || !seen.Add((span.Start, code, symbol ?? message)))
        {
            return;
        }
        var at = position(span);
        items.Add((span.Start, new ScriptDiagnostic(severity, code, message, at.Line + 1, at.Character + 1, symbol)));
    }

    public List<ScriptDiagnostic> ToList() => [.. items.OrderBy(i => i.Start).Select(i => i.Diagnostic)];
}
