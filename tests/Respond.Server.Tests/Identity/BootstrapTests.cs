using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Respond.Server.Tests.Identity;

[Collection(ConsoleCollection.Name)]
public sealed class BootstrapTests
{
    [Fact]
    public async Task FirstStart_NoUsersConfigured_PrintsAdminPasswordThatGetsAToken()
    {
        var root = Directory.CreateTempSubdirectory("respond-boot-").FullName;
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            await using var host = new EmptyHost(root);
            host.CreateClient().Dispose();
            Console.SetOut(original);
            var password = Regex.Match(console.ToString(), @"password:\s+(\S+)").Groups[1].Value;
            Assert.Equal(20, password.Length);

            using var http = host.CreateClient();
            var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = "admin", ["password"] = password,
            }));
            response.EnsureSuccessStatusCode();
            Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token")));
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public async Task SecondStart_AdminExists_PrintsNoPassword()
    {
        var root = Directory.CreateTempSubdirectory("respond-boot-").FullName;
        await using (var first = new EmptyHost(root)) first.CreateClient().Dispose();
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            await using var second = new EmptyHost(root);
            second.CreateClient().Dispose();
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.DoesNotContain("password:", console.ToString());
    }

    private sealed class EmptyHost(string root) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting(WebHostDefaults.ContentRootKey, root);
            builder.UseSetting("ConnectionStrings:Respond", $"Data Source={Path.Combine(root, "respond.db")}");
        }
    }
}

/// <summary>Tests that redirect Console.Out must not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
