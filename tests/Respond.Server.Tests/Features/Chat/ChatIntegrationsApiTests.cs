using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Chat;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Features.Chat;

/// <summary>chatIntegrations and the configure/remove mutations: who may, what is checked, and that secrets never come back.</summary>
public sealed class ChatIntegrationsApiTests : IAsyncLifetime
{
    private const string BotToken = "xoxb-secret-bot-token-0123456789";
    private const string SigningSecret = "signing-secret-abcdef0123456789";
    private const string TeamsUrl = "http://127.0.0.1:9/workflows/abc?sig=teams-secret-signature";

    private readonly RespondApiFixture _api = RespondApiFixture.For(TestDatabase.Sqlite).With("Respond:Chat:AllowPlainHttp", "true");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private const string ConfigureSlack = """
        mutation($input: ConfigureSlackIntegrationInput!) { configureSlackIntegration(input: $input) {
          chatIntegrations { organizationId slack { channelId apiBaseUrl botTokenSet signingSecretSet interactionsPath updatedBy } teams { webhookHost } }
          errors { code message path } } }
        """;

    private Task<System.Text.Json.Nodes.JsonObject> SlackAsync(string client, object input) => _api.GraphQLAsync(client, ConfigureSlack, new { input });

    [Fact]
    public async Task ConfigureSlack_AdminOfTheOrganization_StoredProtectedAndShownOnlyAsSet()
    {
        var configured = await SlackAsync("admin-a", new { organizationId = "org-a", channelId = "C0123", botToken = BotToken, signingSecret = SigningSecret, apiBaseUrl = "http://127.0.0.1:9/api" });

        Assert.Empty(configured.Errors("configureSlackIntegration"));
        var slack = configured.At("data.configureSlackIntegration.chatIntegrations.slack");
        Assert.Equal(("C0123", "http://127.0.0.1:9/api", true, true, "/integrations/slack/interactions", "admin-a"),
            (slack.Str("channelId"), slack.Str("apiBaseUrl"), slack["botTokenSet"]!.GetValue<bool>(), slack["signingSecretSet"]!.GetValue<bool>(),
             slack.Str("interactionsPath"), slack.Str("updatedBy")));
        var listed = await _api.GraphQLAsync("admin-a", "{ chatIntegrations { organizationId slack { channelId botTokenSet } teams { webhookHost } } }");
        Assert.Equal("org-a", listed.Str("data.chatIntegrations.0.organizationId"));
        Assert.Single(listed.At("data.chatIntegrations").AsArray());
        Assert.DoesNotContain(BotToken, configured.ToJsonString() + listed.ToJsonString());
        Assert.DoesNotContain(SigningSecret, configured.ToJsonString() + listed.ToJsonString());
        await using var scope = _api.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<SlackIntegration>().AsNoTracking().SingleAsync();
        Assert.DoesNotContain(BotToken, stored.BotTokenProtected);
        Assert.Equal(BotToken, scope.ServiceProvider.GetRequiredService<ChatSecrets>().Unprotect(stored.BotTokenProtected));
        var audit = await _api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"chat.slackConfigured\" }) { edges { node { after } } } }");
        Assert.DoesNotContain(BotToken, audit.ToJsonString());
        Assert.Single(audit.At("data.auditTrail.edges").AsArray());
    }

    [Fact]
    public async Task ConfigureSlack_AgainWithoutSecrets_KeepsThemAndChangesTheChannel()
    {
        await SlackAsync("admin-a", new { organizationId = "org-a", channelId = "C0123", botToken = BotToken, signingSecret = SigningSecret, apiBaseUrl = "http://127.0.0.1:9/api" });

        var changed = await SlackAsync("admin-a", new { organizationId = "org-a", channelId = "C0999", apiBaseUrl = "http://127.0.0.1:9/api" });

        Assert.Empty(changed.Errors("configureSlackIntegration"));
        Assert.Equal("C0999", changed.Str("data.configureSlackIntegration.chatIntegrations.slack.channelId"));
        await using var scope = _api.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<SlackIntegration>().AsNoTracking().SingleAsync();
        Assert.Equal(SigningSecret, scope.ServiceProvider.GetRequiredService<ChatSecrets>().Unprotect(stored.SigningSecretProtected));
    }

    [Theory]
    [InlineData("c-lower", BotToken, SigningSecret, "channelId")]
    [InlineData("C0123", null, SigningSecret, "botToken")]
    [InlineData("C0123", BotToken, null, "signingSecret")]
    [InlineData("C0123", "with space", SigningSecret, "botToken")]
    public async Task ConfigureSlack_BadInput_ValidationErrorNamesTheField(string channelId, string? botToken, string? signingSecret, string field)
    {
        var refused = await SlackAsync("admin-a", new { organizationId = "org-a", channelId, botToken, signingSecret, apiBaseUrl = "http://127.0.0.1:9/api" });

        var error = Assert.Single(refused.Errors("configureSlackIntegration"))!;
        Assert.Equal(("VALIDATION", field), (error.Str("code"), error.Str("path.1")));
        Assert.Equal("null", (await _api.GraphQLAsync("admin-a", "{ chatIntegrations { slack { channelId } } }")).At("data.chatIntegrations.0")["slack"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public async Task ConfigureSlack_ApiBaseUrlOnLoopbackWithoutAllowance_Refused()
    {
        await using var api = RespondApiFixture.For(TestDatabase.Sqlite).WithoutLoopbackAllowance().With("Respond:Chat:AllowPlainHttp", "true");

        var refused = await api.GraphQLAsync("admin-a", ConfigureSlack,
            new { input = new { organizationId = "org-a", channelId = "C0123", botToken = BotToken, signingSecret = SigningSecret, apiBaseUrl = "http://127.0.0.1:9/api" } });

        Assert.Equal("OUTBOUND_ADDRESS_REFUSED", refused.Str("data.configureSlackIntegration.errors.0.code"));
    }

    [Theory]
    [InlineData("responder-a")]
    [InlineData("approver-a")]
    [InlineData("viewer-a")]
    public async Task ChatIntegrationMutations_NotAnAdmin_Forbidden(string client)
    {
        var slack = await SlackAsync(client, new { organizationId = "org-a", channelId = "C0123", botToken = BotToken, signingSecret = SigningSecret });
        var teams = await _api.GraphQLAsync(client, "mutation { configureTeamsIntegration(input: { organizationId: \"org-a\", webhookUrl: \"https://example.org/x\" }) { errors { code } } }");
        var query = await _api.GraphQLAsync(client, "{ chatIntegrations { organizationId } }");

        Assert.All(new[] { slack, teams, query }, r => Assert.Equal("FORBIDDEN", r.Str("errors.0.extensions.code")));
    }

    [Fact]
    public async Task ConfigureTeams_WebhookUrl_StoredProtectedOnlyItsHostShown_ThenRemoved()
    {
        var configured = await _api.GraphQLAsync("admin-a", "mutation($url: String!) { configureTeamsIntegration(input: { organizationId: \"org-a\", webhookUrl: $url }) { chatIntegrations { teams { webhookUrlSet webhookHost } } errors { code message } } }",
            new { url = TeamsUrl });

        Assert.Empty(configured.Errors("configureTeamsIntegration"));
        Assert.Equal("127.0.0.1", configured.Str("data.configureTeamsIntegration.chatIntegrations.teams.webhookHost"));
        Assert.DoesNotContain("teams-secret-signature", configured.ToJsonString());
        var removed = await _api.GraphQLAsync("admin-a", "mutation { removeTeamsIntegration(input: { organizationId: \"org-a\" }) { chatIntegrations { teams { webhookHost } } errors { code } } }");
        Assert.Empty(removed.Errors("removeTeamsIntegration"));
        Assert.Null(removed.At("data.removeTeamsIntegration.chatIntegrations")["teams"]);
        var again = await _api.GraphQLAsync("admin-a", "mutation { removeTeamsIntegration(input: { organizationId: \"org-a\" }) { errors { code } } }");
        Assert.Equal("INVALID_STATE", again.Str("data.removeTeamsIntegration.errors.0.code"));
    }

    [Fact]
    public async Task ConfigureTeams_NotHttps_ValidationError()
    {
        await using var api = RespondApiFixture.For(TestDatabase.Sqlite);

        var refused = await api.GraphQLAsync("admin-a", "mutation { configureTeamsIntegration(input: { organizationId: \"org-a\", webhookUrl: \"http://127.0.0.1:9/x\" }) { errors { code path } } }");

        Assert.Equal(("VALIDATION", "webhookUrl"), (refused.Str("data.configureTeamsIntegration.errors.0.code"), refused.Str("data.configureTeamsIntegration.errors.0.path.1")));
    }

    [Fact]
    public async Task RemoveSlack_Configured_NothingListedAfterwards()
    {
        await SlackAsync("admin-a", new { organizationId = "org-a", channelId = "C0123", botToken = BotToken, signingSecret = SigningSecret, apiBaseUrl = "http://127.0.0.1:9/api" });

        var removed = await _api.GraphQLAsync("admin-a", "mutation { removeSlackIntegration(input: { organizationId: \"org-a\" }) { chatIntegrations { slack { channelId } } errors { code } } }");

        Assert.Empty(removed.Errors("removeSlackIntegration"));
        Assert.Null(removed.At("data.removeSlackIntegration.chatIntegrations")["slack"]);
    }
}
