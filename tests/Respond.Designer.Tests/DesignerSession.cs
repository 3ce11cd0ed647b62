using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Respond.Designer.Tests;

/// <summary>One signed-in browser context; fails the test on any console error or page error it saw.</summary>
public sealed class DesignerSession : IAsyncDisposable
{
    private readonly List<string> _errors = [];
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    private readonly DesignerServer _server;
    private string _user = "";

    private DesignerSession(DesignerServer server, IBrowserContext context, IPage page)
    {
        _server = server;
        Context = context;
        Page = page;
        page.Console += (_, m) => { if (m.Type == "error") lock (_errors) _errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (_errors) _errors.Add($"page error: {e}"); };
        page.Response += (_, r) => { if (r.Status >= 400) lock (_errors) _errors.Add($"HTTP {r.Status} {r.Request.Method} {r.Url}"); };
    }

    public static async Task<DesignerSession> SignInAsync(DesignerServer server, string user, string password, ViewportSize? viewport = null)
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl, ViewportSize = viewport ?? new ViewportSize { Width = 1440, Height = 900 }, ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        // The suite shares two cores with the server and the other test projects: expectations wait as long as actions.
        Assertions.SetDefaultExpectTimeout(15_000);
        var session = new DesignerSession(server, context, await context.NewPageAsync());
        var page = session.Page;
        session._user = user;
        // "/" sends a signed-out browser on to the login page at once: wait for that page, not for "/" to finish loading.
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        // The URL is what this waits for; the form's fields below wait for themselves (a busy machine loads the page slowly).
        await page.WaitForURLAsync(new Regex("/login"), new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("viewer-name")).ToHaveTextAsync(user);
        return session;
    }

    public async Task ScreenshotAsync(string name)
    {
        // Tests never modify tracked files: screenshots go to the test output unless RESPOND_WRITE_SCREENSHOTS=1 asks to
        // refresh the committed ones in docs/screenshots.
        var dir = Environment.GetEnvironmentVariable("RESPOND_WRITE_SCREENSHOTS") == "1"
            ? Path.Combine(_server.RepoRoot, "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png") });
    }

    public void AssertNoConsoleErrors()
    {
        lock (_errors) Assert.True(_errors.Count == 0, "The designer logged errors:\n" + string.Join('\n', _errors));
    }

    public async ValueTask DisposeAsync()
    {
        // The last screen of every session, for a failing run's diagnosis.
        try { await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "respond-e2e-last", $"{_user}-{DateTime.UtcNow:HHmmssfff}.png") }); }
        catch (PlaywrightException) { }
        await Context.CloseAsync();
    }
}
