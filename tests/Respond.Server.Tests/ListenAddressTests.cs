namespace Respond.Server.Tests;

public sealed class ListenAddressTests
{
    /// <summary>
    /// The server's own appsettings.json sits in the content root, as under `dotnet run`: ASPNETCORE_URLS still decides
    /// where it listens (appsettings.json is read after the ASPNETCORE_ variables, so a Urls there used to win).
    /// </summary>
    [Fact]
    public async Task AspNetCoreUrls_WithTheShippedAppSettings_IsWhereTheServerListens()
    {
        var data = Directory.CreateTempSubdirectory("respond-urls-").FullName;
        File.Copy(Path.Combine(RespondServerProcess.RepoRoot(), "server", "Respond.Server", "appsettings.json"), Path.Combine(data, "appsettings.json"));

        await using var server = await RespondServerProcess.StartAsync(data);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var live = await http.GetAsync("healthz");

        Assert.True(live.IsSuccessStatusCode);
    }
}
