using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

public sealed class ScriptCheckerTests
{
    [Theory]
    [InlineData("Log(Event.User.Id);")]
    [InlineData("var names = new List<string> { Event.User.Name, Event.Device.Hostname };\nLog(string.Join(\", \", names.Where(n => n.Length > 0).OrderBy(n => n)));")]
    [InlineData("if (Event.Severity == \"CRITICAL\") RequestAction(\"ISOLATE_DEVICE\", Event.Device.Id, $\"critical {Event.Type} on {Event.Device.Hostname}\");")]
    [InlineData("var country = Event.Raw.TryGetProperty(\"country\", out var c) ? c.GetString() : null;\nLog(country ?? \"none\");")]
    [InlineData("var re = new Regex(\"^adm\", RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));\nif (re.IsMatch(Event.User.Id)) Log(\"admin\");")]
    [InlineData("foreach (var p in Event.Raw.EnumerateObject()) Log(p.Name);")]
    [InlineData("var counts = new Dictionary<string, int>();\nforeach (var (k, v) in new[] { (\"a\", 1), (\"b\", 2) }) counts[k] = v;\nLog(counts.Count.ToString());")]
    [InlineData("int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);\nLog(Fib(10).ToString());")]
    [InlineData("record Finding(string Kind, int Score);\nvar f = new Finding(\"x\", 3);\nvar g = f with { Score = 4 };\nLog(g.ToString());")]
    [InlineData("var sb = new StringBuilder();\nsb.Append($\"{Event.Id}:{Alert?.Title}\");\nLog(sb.ToString());")]
    [InlineData("using static System.Math;\nLog(Max(1, Abs(-2)).ToString());")]
    [InlineData("var t = Event.Time ?? DateTimeOffset.MinValue;\nLog(t.AddMinutes(5).ToString(\"O\"));")]
    public void Check_BenignScript_HasNoErrors(string source)
    {
        // Act
        var diagnostics = ScriptChecker.Check(source, ScriptKind.RunScript);

        // Assert
        Assert.True(ScriptChecker.Passes(diagnostics), string.Join("\n", diagnostics));
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText(\"/etc/passwd\");", 1, 1, "System.IO.File")]
    [InlineData("Log(\"x\");\nvar v = System.Environment.GetEnvironmentVariable(\"X\");", 2, 9, "System.Environment")]
    [InlineData("var t = \"\".GetType();", 1, 9, "System.Object.GetType()")]
    [InlineData("dynamic d = 1;", 1, 1, "dynamic")]
    [InlineData("#r \"System.Diagnostics.Process\"\nLog(\"x\");", 1, 1, "#r")]
    [InlineData("var r = new Regex(\"a+\");", 1, 9, "System.Text.RegularExpressions.Regex.Regex(System.String)")]
    [InlineData("Regex.IsMatch(\"a\", \"a\");", 1, 1, "System.Text.RegularExpressions.Regex.IsMatch(System.String, System.String)")]
    [InlineData("System.Threading.Tasks.Task.Run(() => { });", 1, 1, "System.Threading.Tasks.Task")]
    public void Check_RefusedSymbol_NamesLineColumnAndSymbol(string source, int line, int column, string symbol)
    {
        // Act
        var diagnostics = ScriptChecker.Check(source, ScriptKind.RunScript);

        // Assert
        Assert.Contains(diagnostics, d => d.IsError && d.Line == line && d.Column == column && d.Symbol == symbol);
    }

    [Theory]
    [InlineData("Func<string, string> read = System.IO.File.ReadAllText;", "System.IO.File.ReadAllText(System.String)")]
    [InlineData("Log(nameof(System.IO.File));", "System.IO.File")]
    [InlineData("var a = Alert with { Title = \"x\" };", "Respond.Workflows.Scripting.ScriptAlert.<Clone>$()")]
    [InlineData("var o = new { T = typeof(string) };", "System.Type")]
    [InlineData("var json = System.Text.Json.JsonSerializer.Serialize(Event);", "System.Text.Json.JsonSerializer")]
    [InlineData("var e = Event.Raw.EnumerateArray().Select(x => x.GetType()).ToList();", "System.Object.GetType()")]
    [InlineData("foreach (var x in new MyList()) { }\nclass MyList : System.Collections.ObjectModel.Collection<int> { }", "System.Collections.ObjectModel.Collection<T>")]
    [InlineData("var q = from c in Event.User.Id select c.GetType();", "System.Object.GetType()")]
    [InlineData("var r = Regex.Match(\"a\", \"a\", RegexOptions.None, Regex.InfiniteMatchTimeout);", "System.Text.RegularExpressions.Regex.InfiniteMatchTimeout")]
    [InlineData("class Evil { public static implicit operator string(Evil e) => System.Environment.UserName; }", "System.Environment")]
    public void Check_IndirectUse_IsRefused(string source, string symbol)
    {
        // Act
        var diagnostics = ScriptChecker.Check(source, ScriptKind.RunScript);

        // Assert
        Assert.Contains(diagnostics, d => d.IsError && d.Symbol == symbol);
    }

    [Fact]
    public void Check_CompilerError_IsADiagnostic()
    {
        // Act
        var diagnostics = ScriptChecker.Check("Log(undefinedThing);", ScriptKind.RunScript);

        // Assert
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal(("CS0103", 1, 5, "undefinedThing"), (error.Code, error.Line, error.Column, error.Symbol));
    }

    [Theory]
    [InlineData("Event.Process.CommandLine.Length > 2000")]
    [InlineData("Event.Severity == \"HIGH\" && Event.User.Id.StartsWith(\"adm\", StringComparison.OrdinalIgnoreCase)")]
    [InlineData("Event.Get(\"raw.country\") != \"NL\" || Event.GetNumber(\"raw.attempts\") > 5")]
    [InlineData("Event.Raw.TryGetProperty(\"mfa\", out var mfa) && mfa.ValueKind == JsonValueKind.False")]
    [InlineData("new[] { \"CRITICAL\", \"HIGH\" }.Contains(Event.Severity)")]
    [InlineData("Event.Process.Pid is > 4 and < 1000 && Math.Abs(Event.Time.Value.Offset.TotalHours) < 1")]
    public void Check_BoundedExpression_HasNoErrors(string expression)
    {
        // Act
        var diagnostics = ScriptChecker.Check(expression, ScriptKind.Expression);

        // Assert
        Assert.True(ScriptChecker.Passes(diagnostics), string.Join("\n", diagnostics));
    }

    [Theory]
    [InlineData("Event.User.Id.Any(c => c == 'a')", "c => c == 'a'")]
    [InlineData("Event.User.Id.Length > 0; while (true) { }", null)]
    [InlineData("Event.User.Id.PadLeft(1000000000).Length > 0", "System.String.PadLeft(System.Int32)")]
    [InlineData("Respond.Expressions.CompiledExpression.Evaluate(Event)", "Respond.Expressions.CompiledExpression.Evaluate(Respond.Workflows.Scripting.ScriptEvent)")]
    [InlineData("new int[100000000].Length > 0", "new int[100000000]")]
    [InlineData("$\"{Event.Id,1000000000}\".Length > 0", "$\"{Event.Id,1000000000}\"")]
    [InlineData("DateTimeOffset.UtcNow > Event.Time", "System.DateTimeOffset.UtcNow")]
    [InlineData("Event.User.Id", "Event.User.Id")]
    public void Check_UnboundedExpression_IsRefused(string expression, string? symbol)
    {
        // Act
        var diagnostics = ScriptChecker.Check(expression, ScriptKind.Expression);

        // Assert
        Assert.False(ScriptChecker.Passes(diagnostics));
        if (symbol is not null)
        {
            Assert.Contains(diagnostics, d => d.Symbol == symbol);
        }
    }
}
