using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Settings;

/// <summary>Issue 11 point 1: settings belong to an organization; the defaults belong to principals of every organization.</summary>
public sealed class OrganizationSettingsTests
{
    private const string SettingsFields = "organizationId inheritsDefaults enabled approvalRequirements version autoResponse { autoIsolateOnCritical } protectedDevices";

    private static Task<System.Text.Json.Nodes.JsonObject> ApprovalsAsync(RespondApiFixture api, string client, string? org, string types) =>
        api.GraphQLAsync(client, $"mutation($org: ID) {{ updateApprovalRequirements(input: {{ organizationId: $org, approvalRequired: [{types}] }}) {{ settings {{ {SettingsFields} }} errors {{ code message path }} }} }}",
            new { org });

    [Fact]
    public async Task RespondSettings_OrganizationWithoutOwnSettings_InheritsTheDefaults()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("admin-a", $"{{ respondSettings(organizationId: \"org-a\") {{ {SettingsFields} }} organizations {{ edges {{ node {{ id respondSettings {{ inheritsDefaults }} }} }} }} }}");

        Assert.Equal("org-a", response.Str("data.respondSettings.organizationId"));
        Assert.True(response.At("data.respondSettings.inheritsDefaults").GetValue<bool>());
        Assert.Contains("ISOLATE_DEVICE", response.At("data.respondSettings.approvalRequirements").AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(response.At("data.organizations.edges.0.node.respondSettings.inheritsDefaults").GetValue<bool>());
    }

    [Fact]
    public async Task UpdateApprovalRequirements_OrgAdminForOwnOrganization_ChangesThatOrganizationOnly()
    {
        await using var api = new RespondApiFixture();

        var response = await ApprovalsAsync(api, "admin-a", "org-a", "KILL_PROCESS");

        Assert.Empty(response.Errors("updateApprovalRequirements"));
        Assert.False(response.At("data.updateApprovalRequirements.settings.inheritsDefaults").GetValue<bool>());
        var after = await api.GraphQLAsync("admin", "{ a: respondSettings(organizationId: \"org-a\") { approvalRequirements inheritsDefaults } b: respondSettings(organizationId: \"org-b\") { approvalRequirements inheritsDefaults } d: respondSettings { organizationId approvalRequirements } }");
        Assert.Equal("[\"KILL_PROCESS\"]", after.At("data.a.approvalRequirements").ToJsonString());
        Assert.True(after.At("data.b.inheritsDefaults").GetValue<bool>());
        Assert.Contains("ISOLATE_DEVICE", after.At("data.b.approvalRequirements").AsArray().Select(t => t!.GetValue<string>()));
        Assert.Null(after.At("data.d").AsObject()["organizationId"]);
        Assert.Contains("ISOLATE_DEVICE", after.At("data.d.approvalRequirements").AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task UpdateApprovalRequirements_FirstChange_CopiesEveryOtherDefault()
    {
        await using var api = new RespondApiFixture();
        await api.GraphQLAsync("admin", "mutation { updateProtectedTargets(input: { devices: [\"dc-01\"], accounts: [] }) { errors { code } } }");

        await ApprovalsAsync(api, "admin-a", "org-a", "KILL_PROCESS");
        await api.GraphQLAsync("admin", "mutation { updateProtectedTargets(input: { devices: [\"dc-02\"], accounts: [] }) { errors { code } } }");

        var a = await api.GraphQLAsync("admin-a", "{ respondSettings(organizationId: \"org-a\") { protectedDevices inheritsDefaults } }");
        Assert.Equal("[\"dc-01\"]", a.At("data.respondSettings.protectedDevices").ToJsonString());
        Assert.False(a.At("data.respondSettings.inheritsDefaults").GetValue<bool>());
    }

    [Fact]
    public async Task UpdateApprovalRequirements_OrgAdminWithoutOrganization_ForbiddenAndDefaultsUnchanged()
    {
        await using var api = new RespondApiFixture();

        var response = await ApprovalsAsync(api, "admin-b", null, "");

        var error = response.Errors("updateApprovalRequirements").Single()!;
        Assert.Equal("FORBIDDEN", error.Str("code"));
        Assert.Equal("[\"input\",\"organizationId\"]", error.At("path").ToJsonString());
        var defaults = await api.GraphQLAsync("admin", "{ respondSettings { approvalRequirements } }");
        Assert.Contains("ISOLATE_DEVICE", defaults.At("data.respondSettings.approvalRequirements").AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task TurnOffRespond_ForeignOrganization_AnswersExactlyAsAnUnknownOne()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();

        var foreign = await api.GraphQLAsync("admin-b", "mutation { turnOffRespond(input: { confirm: true, organizationId: \"org-a\" }) { settings { enabled } errors { code message path } } }");
        var unknown = await api.GraphQLAsync("admin-b", "mutation { turnOffRespond(input: { confirm: true, organizationId: \"org-zz\" }) { settings { enabled } errors { code message path } } }");

        Assert.Equal("NOT_FOUND", foreign.Errors("turnOffRespond").Single()!.Str("code"));
        Assert.Equal(unknown.ToJsonString(), foreign.ToJsonString());
        var a = await api.GraphQLAsync("admin", "{ respondSettings(organizationId: \"org-a\") { enabled inheritsDefaults } }");
        Assert.True(a.At("data.respondSettings.enabled").GetValue<bool>());
        Assert.True(a.At("data.respondSettings.inheritsDefaults").GetValue<bool>());
    }

    [Fact]
    public async Task RespondSettings_ForeignOrganization_NotFound()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("viewer-b", "{ respondSettings(organizationId: \"org-a\") { enabled } }");

        Assert.Equal("NOT_FOUND", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task TurnOffRespond_ForOneOrganization_OtherOrganizationsEventsStillRaiseAlerts()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, org: "org-a");
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, org: "org-b", name: "b rule");

        var off = await api.GraphQLAsync("admin-b", "mutation { turnOffRespond(input: { confirm: true, organizationId: \"org-b\" }) { settings { enabled } errors { code } } }");
        await api.PostEventsAsync("admin", [EngineScenario.Event("p-a", "process.started", org: "org-a"), EngineScenario.Event("p-b", "process.started", org: "org-b")]);

        Assert.Empty(off.Errors("turnOffRespond"));
        var alerts = await api.GraphQLAsync("admin", "{ alerts { edges { node { organizationId } } } }");
        Assert.Equal(["org-a"], alerts.At("data.alerts.edges").AsArray().Select(e => e!.Str("node.organizationId")));
    }

    [Fact]
    public async Task TurnOffRespond_Defaults_AuditEntryNamesTheOrganizationsThatFollowThem()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        await ApprovalsAsync(api, "admin-a", "org-a", "KILL_PROCESS");

        await api.GraphQLAsync("admin", "mutation { turnOffRespond(input: { confirm: true }) { errors { code } } }");

        var audit = await api.GraphQLAsync("admin", "{ off: auditTrail(where: { action: \"respond.turnedOff\" }) { edges { node { subjectId organizationIds } } } own: auditTrail(where: { action: \"settings.approvalRequirementsUpdated\" }) { edges { node { subjectId organizationIds } } } }");
        Assert.Equal("*", audit.Str("data.off.edges.0.node.subjectId"));
        Assert.Equal("[\"org-b\"]", audit.At("data.off.edges.0.node.organizationIds").ToJsonString());
        Assert.Equal("[\"org-a\"]", audit.At("data.own.edges.0.node.organizationIds").ToJsonString());
        var a = await api.GraphQLAsync("admin", "{ respondSettings(organizationId: \"org-a\") { enabled } }");
        Assert.True(a.At("data.respondSettings.enabled").GetValue<bool>());
    }

    [Fact]
    public async Task UpdateApprovalRequirements_InheritedVersionAsExpected_Accepted()
    {
        await using var api = new RespondApiFixture();
        var version = (await api.GraphQLAsync("admin-a", "{ respondSettings(organizationId: \"org-a\") { version } }")).At("data.respondSettings.version").GetValue<int>();

        var response = await api.GraphQLAsync("admin-a", $"mutation {{ updateApprovalRequirements(input: {{ organizationId: \"org-a\", approvalRequired: [], expectedVersion: {version} }}) {{ settings {{ version }} errors {{ code }} }} }}");

        Assert.Empty(response.Errors("updateApprovalRequirements"));
        Assert.Equal(version + 1, response.At("data.updateApprovalRequirements.settings.version").GetValue<int>());
    }
}
