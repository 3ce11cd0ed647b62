using System.Net;
using System.Text.RegularExpressions;

namespace Respond.Server.Tests.Designer;

/// <summary>A designer build stand-in (an index.html with a module script) served by a real host, so `/` and `/explorer` are pages, not 404s.</summary>
public sealed class DesignerPagesFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("respond-designer-").FullName;
    public RespondApiFixture Api { get; }

    public DesignerPagesFixture()
    {
        File.WriteAllText(Path.Combine(_root, "index.html"),
            "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-abc.js\"></script></head><body><div id=\"root\"></div></body></html>");
        Api = new RespondApiFixture().With("Respond:Designer:Root", _root);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}

public sealed class SecurityHeadersTests(DesignerPagesFixture designer) : IClassFixture<DesignerPagesFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/login")]
    [InlineData("/explorer")]
    [InlineData("/rules/rule-1")]
    public async Task DesignerPage_CarriesTheSecurityHeaders(string path)
    {
        using var http = designer.Api.CreateClient();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var scriptSrc = Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value;
        Assert.Equal("'self'", scriptSrc);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task LoginPage_HasNoInlineScript_SoTheCspCostsItNothing()
    {
        using var http = designer.Api.CreateClient();

        var page = await http.GetStringAsync("/login");

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(" on[a-z]+=", page);
    }

    [Fact]
    public async Task ApiError_AlsoCarriesTheHeaders()
    {
        using var http = designer.Api.CreateClient();

        var response = await http.PostAsync("/graphql", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }
}
