namespace Respond.Server.Tests.Features.Notifications;

/// <summary>notificationPreferences / updateNotificationPreferences: a person's own preferences, defaults until changed.</summary>
public sealed class NotificationPreferencesTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private const string Fields = "inApp email slackDirectMessage slackChannelMention requestsICanDecide escalationsToMe";

    [Fact]
    public async Task NotificationPreferences_NeverChanged_AreTheDefaults()
    {
        await api.SignInAsync("alice", "alice-password");

        var read = await api.GraphQLAsync("alice", $"{{ notificationPreferences {{ {Fields} updatedAt }} }}");

        var p = read.At("data.notificationPreferences");
        Assert.Equal((true, true, false, true, true, true), (p["inApp"]!.GetValue<bool>(), p["email"]!.GetValue<bool>(), p["slackDirectMessage"]!.GetValue<bool>(),
            p["slackChannelMention"]!.GetValue<bool>(), p["requestsICanDecide"]!.GetValue<bool>(), p["escalationsToMe"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task UpdateNotificationPreferences_SomeFields_ChangesThoseKeepsTheRestForThatPersonOnly()
    {
        var created = await api.GraphQLAsync("admin", "mutation { createUser(input: { userName: \"pref-bob\", password: \"pref-bob-password-1\", roles: [\"Approver\"], organizations: [\"org-a\"] }) { errors { code message } } }");
        Assert.Empty(created.Errors("createUser"));
        await api.SignInAsync("pref-bob", "pref-bob-password-1");

        var updated = await api.GraphQLAsync("pref-bob", $"mutation {{ updateNotificationPreferences(input: {{ email: false, slackDirectMessage: true }}) {{ notificationPreferences {{ {Fields} }} errors {{ code }} }} }}");

        Assert.Empty(updated.Errors("updateNotificationPreferences"));
        var read = (await api.GraphQLAsync("pref-bob", $"{{ notificationPreferences {{ {Fields} updatedAt }} }}")).At("data.notificationPreferences");
        Assert.Equal((false, true, true, true), (read["email"]!.GetValue<bool>(), read["slackDirectMessage"]!.GetValue<bool>(),
            read["slackChannelMention"]!.GetValue<bool>(), read["escalationsToMe"]!.GetValue<bool>()));
        Assert.NotNull(read["updatedAt"]);
        await api.SignInAsync("alice", "alice-password");
        Assert.True((await api.GraphQLAsync("alice", "{ notificationPreferences { email } }")).At("data.notificationPreferences.email").GetValue<bool>());
    }

    [Fact]
    public async Task UpdateNotificationPreferences_ApiClient_Forbidden()
    {
        var refused = await api.GraphQLAsync("approver-a", "mutation { updateNotificationPreferences(input: { email: false }) { errors { code } } }");

        Assert.Equal("FORBIDDEN", refused.Str("data.updateNotificationPreferences.errors.0.code"));
    }
}
