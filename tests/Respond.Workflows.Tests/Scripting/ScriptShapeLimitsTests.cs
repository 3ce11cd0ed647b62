using System.Diagnostics;
using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

public sealed class ScriptShapeLimitsTests
{
    /// <summary>The binder bomb: eight nested lambdas inside overloaded <c>Sum</c> calls, ~165 characters.</summary>
    public static string NestedSum(int depth)
    {
        var source = "0";
        for (var i = depth; i > 0; i--) source = $"new[]{{1}}.Sum(x{i}=>{source}+x{i})";
        return source;
    }

    [Fact]
    public void Check_EightDeepNestedLambda_RefusedAtTheFourthLambdaNamingTheLimit()
    {
        // Arrange
        var source = "var r = " + NestedSum(8) + ";";

        // Act
        var refusal = Assert.Single(ScriptShapeLimits.Check(source, ScriptKind.RunScript));

        // Assert
        Assert.Equal(ScriptDiagnosticCodes.Shape, refusal.Code);
        Assert.True(refusal.IsError);
        Assert.Contains("nested 4 deep", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"the limit is {ScriptShapeLimits.MaxLambdaDepth}", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1, refusal.Line);
        Assert.Equal(source.IndexOf("x4=>", StringComparison.Ordinal) + 1, refusal.Column);
    }

    [Fact]
    public void Check_EightDeepNestedLambda_RefusedByTheCheckerBeforeBinding()
    {
        // Arrange: bound, this source pins a core for minutes; refused from its syntax it takes milliseconds
        var source = "var r = " + NestedSum(8) + ";";
        var clock = Stopwatch.StartNew();

        // Act
        var diagnostics = ScriptChecker.Check(source, ScriptKind.RunScript, CancellationToken.None, TimeSpan.FromMinutes(10));

        // Assert
        Assert.Contains(diagnostics, d => d.Code == ScriptDiagnosticCodes.Shape);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMinutes(1)); // a hang guard, not a timing claim
    }

    [Theory]
    [InlineData("var n = new[] { 1, 2 }.Select(a => new[] { 3 }.Select(b => new[] { 4 }.Count(c => a + b + c > 0)).Sum()).Sum();")]
    [InlineData("var q = from a in new[] { 1 } from b in new[] { 2 } select a + b;")]
    [InlineData("var s = \"a\" + \"b\" + \"c\" + \"d\" + \"e\" + \"f\" + \"g\" + \"h\" + \"i\" + \"j\" + \"k\" + \"l\" + \"m\" + \"n\" + \"o\" + \"p\" + \"q\" + \"r\" + \"s\" + \"t\" + \"u\" + \"v\" + \"w\" + \"x\" + \"y\" + \"z\" + \"a\" + \"b\" + \"c\" + \"d\" + \"e\" + \"f\" + \"g\" + \"h\" + \"i\" + \"j\" + \"k\" + \"l\" + \"m\" + \"n\" + \"o\" + \"p\" + \"q\" + \"r\" + \"s\" + \"t\" + \"u\" + \"v\" + \"w\" + \"x\" + \"y\" + \"z\" + \"a\" + \"b\" + \"c\" + \"d\" + \"e\" + \"f\" + \"g\" + \"h\" + \"i\" + \"j\" + \"k\" + \"l\" + \"m\" + \"n\" + \"o\" + \"p\";")]
    public void Check_OrdinaryShapes_PassWithinTheLimits(string source)
    {
        // Act
        var refusals = ScriptShapeLimits.Check(source, ScriptKind.RunScript);

        // Assert
        Assert.Empty(refusals);
    }

    [Fact]
    public void Check_LongFluentChainAndElseIfLadder_DoNotCountAsNesting()
    {
        // Arrange
        var chain = "var l = new List<int>()" + string.Concat(Enumerable.Repeat(".Where(x => x > 0).ToList()", 80)) + ";";
        var ladder = "var v = 0;\n" + string.Join(" else ", Enumerable.Range(0, 100).Select(i => $"if (v == {i}) v = {i + 1};")) + "\n";

        // Act
        var refusals = ScriptShapeLimits.Check(chain + "\n" + ladder, ScriptKind.RunScript);

        // Assert
        Assert.Empty(refusals);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("-(", ")")]
    [InlineData("new[] { ", " }")]
    [InlineData("Math.Abs(", ")")]
    public void Check_SyntaxNestedBeyondTheLimit_RefusedNamingTheLimit(string open, string close)
    {
        // Arrange: thousands deep, far beyond the limit; the walk must neither overflow nor take long
        var source = "var x = " + string.Concat(Enumerable.Repeat(open, 5000)) + "1" + string.Concat(Enumerable.Repeat(close, 5000)) + ";";

        // Act
        var refusal = Assert.Single(ScriptShapeLimits.Check(source, ScriptKind.RunScript));

        // Assert
        Assert.Equal(ScriptDiagnosticCodes.Shape, refusal.Code);
        Assert.Contains($"nested more than {ScriptShapeLimits.MaxNestingDepth} deep", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TooManyLambdas_RefusedNamingTheLimit()
    {
        // Arrange
        var source = string.Join("\n", Enumerable.Range(0, ScriptShapeLimits.MaxLambdas + 1).Select(i => $"Func<int, int> f{i} = x => x + {i};"));

        // Act
        var refusal = Assert.Single(ScriptShapeLimits.Check(source, ScriptKind.RunScript));

        // Assert
        Assert.Equal(ScriptDiagnosticCodes.Shape, refusal.Code);
        Assert.Contains($"the limit is {ScriptShapeLimits.MaxLambdas}", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(ScriptShapeLimits.MaxLambdas + 1, refusal.Line);
    }

    [Fact]
    public void Check_ExpressionWithNestedLambdas_RefusedBeforeBinding()
    {
        // Arrange: an expression is checked in the server process, so its lambdas must never reach the binder
        var expression = "Event.Id.Any(a => Event.Id.Any(b => Event.Id.Any(c => Event.Id.Any(d => a == b && c == d))))";

        // Act
        var diagnostics = ScriptChecker.Check(expression, ScriptKind.Expression, CancellationToken.None, TimeSpan.FromMinutes(10));

        // Assert
        var refusal = Assert.Single(diagnostics);
        Assert.Equal(ScriptDiagnosticCodes.Shape, refusal.Code);
        Assert.Equal(14, refusal.Column);
        Assert.Contains("refused before compiling", refusal.Message, StringComparison.Ordinal);
    }
}
