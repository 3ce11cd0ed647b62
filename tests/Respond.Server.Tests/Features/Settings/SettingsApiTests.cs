namespace Respond.Server.Tests.Features.Settings;

public sealed class SettingsApiTests
{
    private const string AllTerms = "[\"RESPONSE_ACTIONS_AFFECT_USERS\", \"AUTOMATION_REQUIRES_VALIDATED_RULES\", \"ACTIONS_REQUIRE_HEALTHY_CONNECTION\"]";

    [Fact]
    public async Task TurnOnRespond_AllTermsAcknowledged_RecordsWhoAndWhat()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("admin", $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {AllTerms} }}) {{ settings {{ enabled enabledBy enabledAt acknowledgedTerms }} errors {{ code }} }} }}");

        var settings = response.At("data.turnOnRespond.settings");
        Assert.True(settings.At("enabled").GetValue<bool>());
        Assert.Equal("admin", settings.Str("enabledBy"));
        Assert.Equal(3, settings.At("acknowledgedTerms").AsArray().Count);
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"respond.turnedOn\" }) { totalCount edges { node { actorId } } } }");
        Assert.Equal("admin", audit.Str("data.auditTrail.edges.0.node.actorId"));
    }

    [Fact]
    public async Task TurnOnRespond_MissingTerm_RefusedAndStaysOff()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("admin", "mutation { turnOnRespond(input: { acknowledgedTerms: [\"RESPONSE_ACTIONS_AFFECT_USERS\"] }) { settings { enabled } errors { code message } } }");

        Assert.Equal("TERMS_NOT_ACKNOWLEDGED", response.Errors("turnOnRespond").Single()!.Str("code"));
        var settings = await api.GraphQLAsync("viewer", "{ respondSettings { enabled } }");
        Assert.False(settings.At("data.respondSettings.enabled").GetValue<bool>());
    }

    [Fact]
    public async Task TurnOffRespond_WithoutConfirmation_Refused()
    {
        await using var api = new RespondApiFixture();
        await api.GraphQLAsync("admin", $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {AllTerms} }}) {{ errors {{ code }} }} }}");

        var refused = await api.GraphQLAsync("admin", "mutation { turnOffRespond(input: { confirm: false }) { errors { code } } }");
        var done = await api.GraphQLAsync("admin", "mutation { turnOffRespond(input: { confirm: true }) { settings { enabled disabledBy } errors { code } } }");

        Assert.Equal("CONFIRMATION_REQUIRED", refused.Errors("turnOffRespond").Single()!.Str("code"));
        Assert.False(done.At("data.turnOffRespond.settings.enabled").GetValue<bool>());
    }

    [Fact]
    public async Task ApprovalRequirements_Default_AreTheDestructiveActionTypes()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("viewer", "{ respondSettings { approvalRequirements } }");

        var required = response.At("data.respondSettings.approvalRequirements").AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Contains("ISOLATE_DEVICE", required);
        Assert.Contains("QUARANTINE_FILE", required);
        Assert.Contains("RESET_USER_SESSION", required);
        Assert.Contains("FORCE_PASSWORD_RESET", required);
        Assert.DoesNotContain("KILL_PROCESS", required);
        Assert.DoesNotContain("BLOCK_IP", required);
        Assert.DoesNotContain("UNBLOCK_IP", required);
    }

    [Fact]
    public async Task UpdateApprovalRequirements_StaleVersion_RefusedAndNothingChanged()
    {
        await using var api = new RespondApiFixture();
        var version = (await api.GraphQLAsync("admin", "{ respondSettings { version } }")).At("data.respondSettings.version").GetValue<int>();
        await api.GraphQLAsync("admin", $"mutation {{ updateApprovalRequirements(input: {{ approvalRequired: [KILL_PROCESS], expectedVersion: {version} }}) {{ errors {{ code }} }} }}");

        var stale = await api.GraphQLAsync("admin", $"mutation {{ updateApprovalRequirements(input: {{ approvalRequired: [BLOCK_IP], expectedVersion: {version} }}) {{ errors {{ code }} }} }}");

        Assert.Equal("STALE_VERSION", stale.Errors("updateApprovalRequirements").Single()!.Str("code"));
        var now = await api.GraphQLAsync("admin", "{ respondSettings { approvalRequirements } }");
        Assert.Equal("[\"KILL_PROCESS\"]", now.At("data.respondSettings.approvalRequirements").ToJsonString());
    }

    [Fact]
    public async Task UpdateAutoResponseSettings_ActiveHoursWithIanaZone_Stored()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("admin", """
            mutation { updateAutoResponseSettings(input: { autoIsolateOnCritical: true, autoKillOnHigh: true,
              activeHours: { timeZone: "Europe/Berlin", windows: [{ days: ["MON","TUE","WED","THU","FRI"], from: "18:00", to: "08:00" }] },
              alwaysRequireApproval: [ISOLATE_DEVICE] }) {
                settings { autoResponse { autoIsolateOnCritical autoKillOnHigh activeHours { timeZone windows { days from to } } alwaysRequireApproval } }
                errors { code } } }
            """);

        var auto = response.At("data.updateAutoResponseSettings.settings.autoResponse");
        Assert.True(auto.At("autoIsolateOnCritical").GetValue<bool>());
        Assert.Equal("Europe/Berlin", auto.Str("activeHours.timeZone"));
        Assert.Equal("18:00", auto.Str("activeHours.windows.0.from"));
        Assert.Equal("ISOLATE_DEVICE", auto.Str("alwaysRequireApproval.0"));
    }

    [Fact]
    public async Task UpdateAutoResponseSettings_UnknownTimeZone_RefusedNamingTheField()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("admin", """
            mutation { updateAutoResponseSettings(input: { autoIsolateOnCritical: true, autoKillOnHigh: false,
              activeHours: { timeZone: "Mars/Olympus", windows: [{ days: ["MON"], from: "18:00", to: "08:00" }] } }) { errors { code message path } } }
            """);

        var error = response.Errors("updateAutoResponseSettings").Single()!;
        Assert.Contains("Mars/Olympus", error.Str("message"));
        Assert.Equal("timeZone", error.At("path").AsArray().Last()!.GetValue<string>());
    }

    [Fact]
    public async Task TurnOnRespond_AsViewer_ForbiddenAndStaysOff()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("viewer", $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {AllTerms} }}) {{ errors {{ code }} }} }}");

        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
        var settings = await api.GraphQLAsync("admin", "{ respondSettings { enabled } }");
        Assert.False(settings.At("data.respondSettings.enabled").GetValue<bool>());
    }
}
