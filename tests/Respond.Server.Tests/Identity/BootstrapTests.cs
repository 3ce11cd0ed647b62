using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Identity;

namespace Respond.Server.Tests.Identity;

public sealed class BootstrapTests
{
    [Fact]
    public async Task FirstStart_NoUsersConfigured_PrintsAdminPasswordThatGetsAToken()
    {
        var root = Directory.CreateTempSubdirectory("respond-boot-").FullName;
        var console = new StringWriter();

        await using var host = new EmptyHost(root, console);
        host.CreateClient().Dispose();

        var printed = console.ToString();
        var password = Regex.Match(printed, @"password:\s+(\S+)").Groups[1].Value;
        Assert.True(password.Length == 20, "expected a 20-character password in: " + printed);
        using var http = host.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = "admin", ["password"] = password,
        }));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token")));
    }

    [Fact]
    public async Task SecondStart_AdminExists_PrintsNoPassword()
    {
        var root = Directory.CreateTempSubdirectory("respond-boot-").FullName;
        var firstConsole = new StringWriter();
        await using (var first = new EmptyHost(root, firstConsole)) first.CreateClient().Dispose();
        Assert.Contains("password:", firstConsole.ToString());
        var console = new StringWriter();

        await using var second = new EmptyHost(root, console);
        second.CreateClient().Dispose();

        Assert.DoesNotContain("password:", console.ToString());
    }

    /// <summary>A host on an empty database in its own directory; what it prints for a person goes to <paramref name="console"/>.</summary>
    private sealed class EmptyHost(string root, StringWriter console) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting(WebHostDefaults.ContentRootKey, root);
            builder.UseSetting("ConnectionStrings:Respond", $"Data Source={Path.Combine(root, "respond.db")}");
            builder.ConfigureTestServices(s => s.AddSingleton(new FirstUserConsole(TextWriter.Synchronized(console))));
        }
    }
}
