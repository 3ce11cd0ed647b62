using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Respond.Server.Features.Notifications;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Features.Actions;

namespace Respond.Server.Tests.Features.Notifications;

/// <summary>
/// Teams and mail, each against a local receiver (a fake Workflows webhook, a small SMTP server): the card and the mail
/// carry the evidence and a link to the decision page that names the request and nothing else; people get mail as their
/// preferences say.
/// </summary>
public sealed class ApprovalNotificationChannelsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly SmtpReceiver _smtp = new();
    private FakeHttpServer _teams = null!;
    private RespondApiFixture _api = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeHttpServer.StartAsync(_ => new FakeResponse(202));
        // The tests run the outbox themselves on the fake clock; the background pass never comes due.
        _api = ActionScenario.Host().With("Respond:Chat:AllowPlainHttp", "true").With("Respond:Notifications:PollInterval", "1.00:00:00")
            .With("Respond:Email:Host", "127.0.0.1").With("Respond:Email:Port", _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Respond:Email:Security", "None").With("Respond:Email:From", "Respond <respond@example.org>")
            .WithServices(s => s.AddSingleton<TimeProvider>(_time));
        await _api.ReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _teams.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<string> SubmitIsolateAsync()
    {
        var submitted = await _api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-a1"));
        Assert.Empty(submitted.Errors("submitResponseAction"));
        return submitted.Str("data.submitResponseAction.approvalRequest.id");
    }

    private Task SendDueAsync() => _api.Services.GetRequiredService<ApprovalNotificationDispatcher>().SendDueAsync(CancellationToken.None);

    private async Task PersonAsync(string userName, string[] roles, object preferences)
    {
        var created = await _api.GraphQLAsync("admin", "mutation($input: CreateUserInput!) { createUser(input: $input) { errors { code message } } }",
            new { input = new { userName, password = userName + "-password-1", roles, organizations = new[] { "org-a" } } });
        Assert.Empty(created.Errors("createUser"));
        await _api.SignInAsync(userName, userName + "-password-1");
        var updated = await _api.GraphQLAsync(userName, "mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { errors { code message } } }",
            new { input = preferences });
        Assert.Empty(updated.Errors("updateNotificationPreferences"));
    }

    [Fact]
    public async Task RequestOpened_TeamsConfigured_PostsAnAdaptiveCardWithTheEvidenceAndAnOpenUrlToTheDecisionPage()
    {
        var configured = await _api.GraphQLAsync("admin-a", "mutation($url: String!) { configureTeamsIntegration(input: { organizationId: \"org-a\", webhookUrl: $url }) { errors { code message } } }",
            new { url = _teams.Url + "/workflows/abc?sig=secret" });
        Assert.Empty(configured.Errors("configureTeamsIntegration"));
        var requestId = await SubmitIsolateAsync();

        await SendDueAsync();

        var posted = Assert.Single(_teams.Requests);
        Assert.Equal("/workflows/abc?sig=secret", posted.Target);
        var attachment = posted.Json["attachments"]![0]!;
        Assert.Equal(("message", "application/vnd.microsoft.card.adaptive", "AdaptiveCard"),
            (posted.Json.Str("type"), attachment.Str("contentType"), attachment.Str("content.type")));
        var facts = attachment.At("content.body.1.facts").AsArray().ToDictionary(f => f!.Str("title"), f => f!.Str("value"));
        Assert.Equal(("ISOLATE_DEVICE deviceId=dev-a1", "responder-a", "0 of 1"), (facts["Action"], facts["Requested by"], facts["Approvals"]));
        var open = attachment.At("content.actions.0");
        Assert.Equal(("Action.OpenUrl", $"http://localhost/approvals/{requestId}"), (open.Str("type"), open.Str("url")));
    }

    [Fact]
    public async Task RequestOpened_EmailConfigured_MailsTheApproversWhoWantMailALinkThatCarriesNoToken()
    {
        await PersonAsync("ann", ["Approver"], new { emailAddress = "ann@example.org" });
        await PersonAsync("ben", ["Approver"], new { emailAddress = "ben@example.org", email = false });
        await PersonAsync("cat", ["Approver"], new { emailAddress = "cat@example.org", requestsICanDecide = false });
        await PersonAsync("rob", ["Responder"], new { emailAddress = "rob@example.org" });
        var requestId = await SubmitIsolateAsync();

        await SendDueAsync();

        var mail = Assert.Single(_smtp.Mails);
        Assert.Equal(["ann@example.org"], mail.To);
        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(mail.Data)));
        Assert.Contains("ISOLATE_DEVICE", message.Subject);
        var text = message.TextBody ?? "";
        foreach (var evidence in new[] { "ISOLATE_DEVICE deviceId=dev-a1", "responder-a", "0 of 1" }) Assert.Contains(evidence, text);
        // The link names the request only: no query, no fragment, no code or token; deciding there needs signing in.
        var link = System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+").Value;
        Assert.Equal($"http://localhost/approvals/{requestId}", link);
        using var anonymous = _api.CreateClient();
        var decided = await anonymous.PostAsync("/graphql", new StringContent(
            new JsonObject { ["query"] = $"mutation {{ approveRequest(input: {{ id: \"{requestId}\" }}) {{ errors {{ code }} }} }}" }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Contains("UNAUTHENTICATED", await decided.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UpdateNotificationPreferences_NotAnAddress_ValidationNamesEmailAddress()
    {
        await PersonAsync("ann", ["Approver"], new { email = true });

        var refused = await _api.GraphQLAsync("ann", "mutation { updateNotificationPreferences(input: { emailAddress: \"not an address\" }) { errors { code path } } }");

        Assert.Equal(("VALIDATION", "emailAddress"), (refused.Str("data.updateNotificationPreferences.errors.0.code"), refused.Str("data.updateNotificationPreferences.errors.0.path.1")));
    }
}
