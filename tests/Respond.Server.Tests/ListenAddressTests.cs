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

    /// <summary>Another program holds the port: one line says so, the exit code is not zero, and the database was not touched.</summary>
    [Fact]
    public async Task Start_PortTaken_OneClearLineNonZeroExitAndNoDatabaseWritten()
    {
        var data = Directory.CreateTempSubdirectory("respond-port-").FullName;
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        var (exitCode, output) = await RespondServerProcess.RunUntilExitAsync(data, port, new Dictionary<string, string> { ["Respond__Demo__Enabled"] = "true" });

        Assert.Equal(Respond.Server.ListenAddresses.AddressInUseExitCode, exitCode);
        var line = Assert.Single(output, l => !string.IsNullOrWhiteSpace(l));
        Assert.Contains($"http://127.0.0.1:{port} is already in use", line);
        Assert.False(File.Exists(Path.Combine(data, "respond.db")), "The database was created before the port was checked.");
    }
}
