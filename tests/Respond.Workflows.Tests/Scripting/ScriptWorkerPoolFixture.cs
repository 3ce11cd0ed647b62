using System.Text.Json;
using Respond.Workflows.Scripting;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>
/// One warm worker pool shared by every test that runs scripts (starting workers is the slow part), plus the test
/// process's memory baseline taken after the checker and the pool are warm.
/// </summary>
public sealed class ScriptWorkerPoolFixture : IAsyncLifetime
{
    /// <summary>Set in this (test) process before the pool starts; a worker must never see it.</summary>
    public const string SecretVariable = "RESPOND_TEST_SECRET";

    public ScriptWorkerPoolFixture()
    {
        Environment.SetEnvironmentVariable(SecretVariable, "hunter2");
        Options = new ScriptWorkerPoolOptions { Workers = 3 };
        Pool = new ScriptWorkerPool(Options);
    }

    public ScriptWorkerPoolOptions Options { get; }

    public ScriptWorkerPool Pool { get; }

    public long BaselineManagedBytes { get; private set; }

    public long BaselineWorkingSetBytes { get; private set; }

    public static JsonElement SampleEvent { get; } = JsonDocument.Parse("""
        {
          "id": "evt-1", "organizationId": "contoso", "source": "edr", "type": "process.started", "severity": "CRITICAL",
          "time": "2026-11-23T10:00:00Z",
          "user": { "id": "u-17", "name": "Alice", "email": "alice@contoso.example" },
          "device": { "id": "dev-42", "hostname": "LT-ALICE" },
          "process": { "pid": 4242, "name": "powershell.exe", "commandLine": "powershell -enc AAAA" },
          "raw": { "country": "NL", "attempts": 7 }
        }
        """).RootElement.Clone();

    public static ScriptJob Job(string source) =>
        new(source, SampleEvent, new ScriptOrganization("contoso", "Contoso"), new ScriptAlert("alr-1", "Encoded PowerShell", "HIGH"));

    public async Task InitializeAsync()
    {
        ScriptChecker.Check("Log(Event.User.Id);", ScriptKind.RunScript);
        await Pool.WarmUpAsync(CancellationToken.None);
        var warm = await Pool.RunAsync(Job("Log(Event.Id);"), CancellationToken.None);
        Assert.True(warm.Succeeded, warm.Error);
        BaselineManagedBytes = GC.GetTotalMemory(forceFullCollection: true);
        BaselineWorkingSetBytes = System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;
    }

    public Task DisposeAsync()
    {
        Pool.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ScriptWorkerCollection : ICollectionFixture<ScriptWorkerPoolFixture>
{
    public const string Name = "script workers";
}
