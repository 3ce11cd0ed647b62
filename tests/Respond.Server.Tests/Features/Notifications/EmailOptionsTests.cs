using Microsoft.Extensions.Options;
using Respond.Server.Features.Notifications;

namespace Respond.Server.Tests.Features.Notifications;

/// <summary>`Respond:Email` is checked at start once mail is on (a Host); without one nothing in it is used.</summary>
public sealed class EmailOptionsTests
{
    [Theory]
    [InlineData("Respond:Email:From", "not a mailbox")]
    [InlineData("Respond:Email:Port", "0")]
    [InlineData("Respond:Email:Timeout", "00:00:00")]
    [InlineData("Respond:Email:UserName", "respond")]
    public async Task MailOn_BadSetting_RefusedAtStartNamingTheSection(string key, string value)
    {
        await using var api = new RespondApiFixture().With("Respond:Email:Host", "smtp.example.org").With(key, value);

        var refused = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.Contains("Respond:Email", refused.Message);
    }

    [Fact]
    public async Task MailOff_AFromThatIsNoMailbox_StartsAndSendsNoMail()
    {
        await using var api = new RespondApiFixture().With("Respond:Email:From", "not a mailbox");

        using var client = api.CreateClient();
        var live = await client.GetAsync("healthz");

        Assert.True(live.IsSuccessStatusCode);
    }

    /// <summary>Every way to secure the connection reaches MailKit as its namesake (the options name them without loading MailKit).</summary>
    [Fact]
    public void Security_EveryValue_MapsToMailKitsOptionOfTheSameName()
    {
        foreach (var security in Enum.GetValues<EmailSecurity>())
            Assert.Equal(security.ToString(), ApprovalMailer.SocketOptions(security).ToString());
        Assert.Equal(Enum.GetNames<MailKit.Security.SecureSocketOptions>().Order(), Enum.GetNames<EmailSecurity>().Order());
    }
}
