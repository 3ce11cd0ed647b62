using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Respond.Server.Identity;

namespace Respond.Server.Tests.Identity;

public sealed class ReturnUrlTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    /// <summary>Return URLs that a browser would follow to another site (or that only look local until decoded once more).</summary>
    public static TheoryData<string> OffSite => new()
    {
        "/\t/evil.example/x",            // tab: browsers drop it and read //evil.example/x
        "/\n/evil.example/x",            // newline, likewise
        "/\r\n/evil.example/x",
        "\t//evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",             // browsers read \ as /
        "\\\\evil.example/x",
        "/%2F/evil.example/x",           // encoded /
        "/%09/evil.example/x",           // encoded tab
        "/%5Cevil.example/x",            // encoded \
        "%2F%2Fevil.example/x",
        "/%252F%252Fevil.example/x",     // double-encoded
        "https://evil.example/x",
        "javascript:alert(document.domain)",
        "http:evil.example",
        "evil.example/x",
        "/\u2028/evil.example/x",        // Unicode line separator
        "/\u200B/evil.example/x",        // zero-width space (a format character)
        " /x",
        "",
    };

    [Theory]
    [MemberData(nameof(OffSite))]
    public void Normalise_OffSiteOrMalformed_IsHome(string returnUrl)
    {
        Assert.Equal("/", LocalReturnUrl.Normalise(returnUrl));
    }

    [Theory]
    [InlineData("/connect/authorize?client_id=respond-designer&state=s1", "/connect/authorize?client_id=respond-designer&state=s1")]
    [InlineData("/rules/rule-1?tab=history", "/rules/rule-1?tab=history")]
    [InlineData("/rules/ä", "/rules/%C3%A4")]
    public void Normalise_LocalPath_KeptAndNormalised(string returnUrl, string expected)
    {
        Assert.Equal(expected, LocalReturnUrl.Normalise(returnUrl));
    }

    [Theory]
    [MemberData(nameof(OffSite))]
    public async Task Login_OffSiteReturnUrl_LandsOnHome(string returnUrl)
    {
        using var browser = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await AuthorizationCodeFlowTests.LoginAsync(browser, new Dictionary<string, string>
        {
            ["username"] = "alice", ["password"] = "alice-password", ["returnUrl"] = returnUrl,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task LoginForm_ReportedTabVariantInQuery_CarriesHomeInItsForm()
    {
        using var browser = api.CreateClient();

        var page = await browser.GetStringAsync("/login?returnUrl=%2F%09%2Fevil.example%2Fx");

        Assert.Equal("/", Regex.Match(page, "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value);
    }

    [Fact]
    public async Task Login_LocalReturnUrl_Followed()
    {
        using var browser = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await AuthorizationCodeFlowTests.LoginAsync(browser, new Dictionary<string, string>
        {
            ["username"] = "alice", ["password"] = "alice-password", ["returnUrl"] = "/rules/rule-1?tab=history",
        });

        Assert.Equal("/rules/rule-1?tab=history", response.Headers.Location!.OriginalString);
    }
}
