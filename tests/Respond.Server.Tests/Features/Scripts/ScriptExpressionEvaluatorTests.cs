using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Scripts;
using Respond.Workflows;
using Respond.Workflows.Runtime;
using Respond.Workflows.Scripting;

namespace Respond.Server.Tests.Features.Scripts;

public sealed class ScriptExpressionEvaluatorTests : IDisposable
{
    // These tests are about answers and messages, not the check's time limit: a cold compiler on a busy machine may
    // take longer than the default 10 s, which would turn an allow-list refusal into a time-limit one.
    private readonly ScriptExpressionEvaluator evaluator = new(Options.Create(new ScriptWorkerPoolOptions { CheckTimeLimit = TimeSpan.FromMinutes(2) }), NullLogger<ScriptExpressionEvaluator>.Instance);

    private static WorkflowEvent Event(string commandLine) => new("e-1", "org-a", "edr", "process.start", Severity.High, DateTimeOffset.UnixEpoch,
        JsonSerializer.SerializeToElement(new { id = "e-1", organizationId = "org-a", severity = "HIGH", process = new { commandLine } }));

    [Theory]
    [InlineData("powershell -enc AAAA", true)]
    [InlineData("notepad.exe", false)]
    public async Task EvaluateAsync_AllowedExpression_ReturnsItsValue(string commandLine, bool expected)
    {
        // Act
        var result = await evaluator.EvaluateAsync("Event.Process.CommandLine.Contains(\"-enc\") && Event.Severity == \"HIGH\"", Event(commandLine), CancellationToken.None);

        // Assert
        Assert.Equal(expected, result);
    }

    [Fact]
    public async Task EvaluateAsync_RefusedExpression_ThrowsNamingTheSymbol()
    {
        // Act
        var error = await Assert.ThrowsAsync<ExpressionFailedException>(async () =>
            await evaluator.EvaluateAsync("System.IO.File.Exists(\"/etc/passwd\")", Event("x"), CancellationToken.None));

        // Assert
        Assert.Contains("System.IO.File", error.Message);
    }

    [Fact]
    public async Task EvaluateAsync_ExpressionThrows_ThrowsWithClearMessage()
    {
        // Act
        var error = await Assert.ThrowsAsync<ExpressionFailedException>(async () =>
            await evaluator.EvaluateAsync("Event.Raw.GetProperty(\"missing\").GetString() == \"x\"", Event("x"), CancellationToken.None));

        // Assert
        Assert.StartsWith("condition.expression threw KeyNotFoundException", error.Message);
    }

    public void Dispose() => evaluator.Dispose();
}
