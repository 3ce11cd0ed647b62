using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration.Json;

namespace Respond.Server.Tests;

/// <summary>
/// Configuration files are read once at start-up: watching them puts a file system watcher on the content root, where a
/// default install also keeps its SQLite database, and every commit then woke that watcher (docs/performance.md).
/// </summary>
public sealed class ConfigurationFilesTests
{
    private static List<bool> Watched(string[] args) =>
        [.. WebApplication.CreateBuilder(RespondHost.Arguments(args)).Configuration.Sources.OfType<JsonConfigurationSource>().Select(s => s.ReloadOnChange)];

    [Fact]
    public void ConfigurationFiles_ByDefault_AreNotWatched()
    {
        var files = Watched([]);

        Assert.NotEmpty(files);
        Assert.DoesNotContain(true, files);
    }

    [Fact]
    public void ConfigurationFiles_OperatorAsksForWatching_AreWatched()
    {
        var files = Watched(["--hostBuilder:reloadConfigOnChange=true"]);

        Assert.NotEmpty(files);
        Assert.DoesNotContain(false, files);
    }

    [Fact]
    public void Arguments_DemoSwitch_StillTurnsDemoModeOn() =>
        Assert.Contains("--Respond:Demo:Enabled=true", RespondHost.Arguments(["--demo"]));
}
