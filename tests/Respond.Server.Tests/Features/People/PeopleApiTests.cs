using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.People;

/// <summary>People and API clients through GraphQL (issue 14): created, disabled, reset, re-scoped, revoked; never beyond what the granter holds.</summary>
public sealed class PeopleApiTests
{
    private const string Password = "approver-password-1";

    private const string CreateUserMutation = """
        mutation($input: CreateUserInput!) { createUser(input: $input) { user { id userName roles organizations disabled } errors { code message path } } }
        """;

    private static async Task<JsonObject> CreateUserAsync(RespondApiFixture api, string client, string userName, string[] roles, string[] organizations, string password = Password) =>
        await api.GraphQLAsync(client, CreateUserMutation, new { input = new { userName, password, roles, organizations } });

    private static async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(RespondApiFixture api, params (string Key, string Value)[] form)
    {
        using var http = api.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form.ToDictionary(f => f.Key, f => f.Value)));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static Task<(HttpStatusCode Status, JsonObject Body)> PasswordTokenAsync(RespondApiFixture api, string userName, string password = Password) =>
        TokenAsync(api, ("grant_type", "password"), ("client_id", "respond-cli"), ("username", userName), ("password", password), ("scope", "offline_access"));

    private static async Task<HttpStatusCode> ViewerStatusAsync(RespondApiFixture api, string accessToken)
    {
        using var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { id } }" });
        return response.StatusCode;
    }

    private static async Task<JsonObject> ViewerAsync(RespondApiFixture api, string accessToken)
    {
        using var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await http.PostAsJsonAsync("/graphql", new { query = "{ viewer { name roles allOrganizations organizations { id } } }" });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<List<(string Action, string Subject, string Actor)>> AuditAsync(RespondApiFixture api) =>
        (await api.GraphQLAsync("admin", "{ auditTrail(first: 200) { edges { node { action subjectId actorId } } } }"))
            .At("data.auditTrail.edges").AsArray().Select(e => (e!.Str("node.action"), e!.Str("node.subjectId"), e!.Str("node.actorId"))).ToList();

    [Fact]
    public async Task CreateUser_ByOrganizationAdmin_PersistsAndThePersonSignsInWithThoseRoles()
    {
        await using var api = new RespondApiFixture();

        var created = await CreateUserAsync(api, "admin-a", "ann", ["Approver"], ["org-a"]);

        Assert.Empty(created.Errors("createUser"));
        var id = created.Str("data.createUser.user.id");
        var (status, token) = await PasswordTokenAsync(api, "ann");
        Assert.Equal(HttpStatusCode.OK, status);
        var viewer = await ViewerAsync(api, token.Str("access_token"));
        Assert.Equal(["Approver"], viewer.At("data.viewer.roles").AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["org-a"], viewer.At("data.viewer.organizations").AsArray().Select(o => o!.Str("id")));
        Assert.Contains(("user.created", id, "admin-a"), await AuditAsync(api));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("org-b")]
    public async Task CreateUser_OrganizationAdminGrantingAnOrganizationNotHeld_IsForbiddenAndAudited(string organization)
    {
        await using var api = new RespondApiFixture();

        var refused = await CreateUserAsync(api, "admin-a", "mallory", ["Admin"], [organization]);

        Assert.Equal("FORBIDDEN", refused.Str("data.createUser.errors.0.code"));
        Assert.Equal("organizations", refused.Str("data.createUser.errors.0.path.1"));
        var users = await api.GraphQLAsync("admin", "{ users { userName } }");
        Assert.DoesNotContain(users.At("data.users").AsArray(), u => u!.Str("userName") == "mallory");
        Assert.Contains(("authorization.refused", "createUser", "admin-a"), await AuditAsync(api));
    }

    [Fact]
    public async Task PeopleOperations_NonAdmin_AreForbidden()
    {
        await using var api = new RespondApiFixture();

        var created = await CreateUserAsync(api, "approver-a", "eve", ["Approver"], ["org-a"]);
        var listed = await api.GraphQLAsync("responder-a", "{ users { id } }");
        var client = await api.GraphQLAsync("viewer-a", "mutation { createApiClient(input: { clientId: \"x\", roles: [\"Viewer\"], organizations: [\"org-a\"] }) { secret errors { code } } }");

        Assert.Equal("FORBIDDEN", created.Str("errors.0.extensions.code"));
        Assert.Equal("FORBIDDEN", listed.Str("errors.0.extensions.code"));
        Assert.Equal("FORBIDDEN", client.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task Users_OtherOrganizationsAdmin_SeesNoneAndCannotTouchThem()
    {
        await using var api = new RespondApiFixture();
        var id = (await CreateUserAsync(api, "admin-a", "ann", ["Approver"], ["org-a"])).Str("data.createUser.user.id");

        var listed = await api.GraphQLAsync("admin-b", "{ users { userName } }");
        var disabled = await api.GraphQLAsync("admin-b", "mutation($id: ID!) { disableUser(input: { id: $id }) { user { disabled } errors { code } } }", new { id });
        var reset = await api.GraphQLAsync("admin-b", "mutation($id: ID!) { resetUserPassword(input: { id: $id, password: \"hostile-password-1\" }) { errors { code } } }", new { id });

        Assert.Empty(listed.At("data.users").AsArray());
        Assert.Equal("NOT_FOUND", disabled.Str("data.disableUser.errors.0.code"));
        Assert.Equal("NOT_FOUND", reset.Str("data.resetUserPassword.errors.0.code"));
        Assert.Equal(HttpStatusCode.OK, (await PasswordTokenAsync(api, "ann")).Status);
        Assert.Contains(("authorization.refused", "disableUser", "admin-b"), await AuditAsync(api));
    }

    [Fact]
    public async Task DisableUser_EndsTheirTokensAndRefresh_EnableLetsThemSignInAgain()
    {
        await using var api = new RespondApiFixture();
        var id = (await CreateUserAsync(api, "admin-a", "ann", ["Approver"], ["org-a"])).Str("data.createUser.user.id");
        var (_, signedIn) = await PasswordTokenAsync(api, "ann");

        var disabled = await api.GraphQLAsync("admin-a", "mutation($id: ID!) { disableUser(input: { id: $id }) { user { disabled } errors { code } } }", new { id });

        Assert.True(disabled.At("data.disableUser.user.disabled").GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, await ViewerStatusAsync(api, signedIn.Str("access_token")));
        var refreshed = await TokenAsync(api, ("grant_type", "refresh_token"), ("client_id", "respond-cli"), ("refresh_token", signedIn.Str("refresh_token")));
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PasswordTokenAsync(api, "ann")).Status);

        await api.GraphQLAsync("admin-a", "mutation($id: ID!) { enableUser(input: { id: $id }) { errors { code } } }", new { id });
        Assert.Equal(HttpStatusCode.OK, (await PasswordTokenAsync(api, "ann")).Status);
        var audit = await AuditAsync(api);
        Assert.Contains(("user.disabled", id, "admin-a"), audit);
        Assert.Contains(("user.enabled", id, "admin-a"), audit);
    }

    [Fact]
    public async Task ResetUserPassword_OldPasswordStopsWorkingNewOneWorks()
    {
        await using var api = new RespondApiFixture();
        var id = (await CreateUserAsync(api, "admin", "ann", ["Responder"], ["org-a"])).Str("data.createUser.user.id");

        var reset = await api.GraphQLAsync("admin", "mutation($id: ID!) { resetUserPassword(input: { id: $id, password: \"a-new-password-42\" }) { errors { code } } }", new { id });
        var tooShort = await api.GraphQLAsync("admin", "mutation($id: ID!) { resetUserPassword(input: { id: $id, password: \"short\" }) { errors { code path } } }", new { id });

        Assert.Empty(reset.Errors("resetUserPassword"));
        Assert.Equal(HttpStatusCode.BadRequest, (await PasswordTokenAsync(api, "ann")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PasswordTokenAsync(api, "ann", "a-new-password-42")).Status);
        Assert.Equal("password", tooShort.Str("data.resetUserPassword.errors.0.path.1"));
    }

    [Fact]
    public async Task SetUserAccess_WithinWhatTheAdminHolds_ChangesRolesAndBeyondIsRefused()
    {
        await using var api = new RespondApiFixture();
        var id = (await CreateUserAsync(api, "admin-a", "ann", ["Approver"], ["org-a"])).Str("data.createUser.user.id");
        const string Set = "mutation($input: SetUserAccessInput!) { setUserAccess(input: $input) { user { roles organizations } errors { code path } } }";

        var changed = await api.GraphQLAsync("admin-a", Set, new { input = new { id, roles = new[] { "Responder", "Approver" }, organizations = new[] { "org-a" } } });
        var widened = await api.GraphQLAsync("admin-a", Set, new { input = new { id, roles = new[] { "Responder" }, organizations = new[] { "org-a", "org-b" } } });

        Assert.Equal(["Approver", "Responder"], changed.At("data.setUserAccess.user.roles").AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("FORBIDDEN", widened.Str("data.setUserAccess.errors.0.code"));
        var viewer = await ViewerAsync(api, (await PasswordTokenAsync(api, "ann")).Body.Str("access_token"));
        Assert.Equal(["Approver", "Responder"], viewer.At("data.viewer.roles").AsArray().Select(r => r!.GetValue<string>()));
    }

    private const string ClientFields = "apiClient { clientId roles organizations revoked } secret errors { code message path }";

    private static Task<(HttpStatusCode Status, JsonObject Body)> ClientTokenAsync(RespondApiFixture api, string clientId, string secret) =>
        TokenAsync(api, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));

    [Fact]
    public async Task ApiClient_CreatedRotatedRevoked_SecretShownOnceOldSecretAndTokensStopWorking()
    {
        await using var api = new RespondApiFixture();

        var created = await api.GraphQLAsync("admin-a", $"mutation {{ createApiClient(input: {{ clientId: \"siem-a\", roles: [\"Viewer\"], organizations: [\"org-a\"] }}) {{ {ClientFields} }} }}");
        var first = created.Str("data.createApiClient.secret");
        var (okStatus, firstToken) = await ClientTokenAsync(api, "siem-a", first);
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Null((await api.GraphQLAsync("admin-a", "{ apiClients { clientId } }")).At("data.apiClients").AsArray().Single(c => c!.Str("clientId") == "siem-a")!["secret"]);

        var rotated = await api.GraphQLAsync("admin-a", $"mutation {{ rotateApiClientSecret(input: {{ clientId: \"siem-a\" }}) {{ {ClientFields} }} }}");
        var second = rotated.Str("data.rotateApiClientSecret.secret");
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await ViewerStatusAsync(api, firstToken.Str("access_token")));
        Assert.NotEqual(HttpStatusCode.OK, (await ClientTokenAsync(api, "siem-a", first)).Status);
        var (_, secondToken) = await ClientTokenAsync(api, "siem-a", second);
        Assert.Equal(HttpStatusCode.OK, await ViewerStatusAsync(api, secondToken.Str("access_token")));

        var revoked = await api.GraphQLAsync("admin-a", $"mutation {{ revokeApiClient(input: {{ clientId: \"siem-a\" }}) {{ {ClientFields} }} }}");
        Assert.True(revoked.At("data.revokeApiClient.apiClient.revoked").GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, await ViewerStatusAsync(api, secondToken.Str("access_token")));
        Assert.NotEqual(HttpStatusCode.OK, (await ClientTokenAsync(api, "siem-a", second)).Status);
        var audit = await AuditAsync(api);
        Assert.Contains(("apiClient.created", "siem-a", "admin-a"), audit);
        Assert.Contains(("apiClient.secretRotated", "siem-a", "admin-a"), audit);
        Assert.Contains(("apiClient.revoked", "siem-a", "admin-a"), audit);
    }

    [Fact]
    public async Task ApiClient_OtherOrganizationsAdmin_CannotRotateOrRevokeOrGrantEveryOrganization()
    {
        await using var api = new RespondApiFixture();

        var rotate = await api.GraphQLAsync("admin-b", $"mutation {{ rotateApiClientSecret(input: {{ clientId: \"author-a\" }}) {{ {ClientFields} }} }}");
        var revoke = await api.GraphQLAsync("admin-b", $"mutation {{ revokeApiClient(input: {{ clientId: \"author-a\" }}) {{ {ClientFields} }} }}");
        var everywhere = await api.GraphQLAsync("admin-b", $"mutation {{ createApiClient(input: {{ clientId: \"wide\", roles: [\"Viewer\"], organizations: [\"*\"] }}) {{ {ClientFields} }} }}");

        Assert.Equal("NOT_FOUND", rotate.Str("data.rotateApiClientSecret.errors.0.code"));
        Assert.Equal("NOT_FOUND", revoke.Str("data.revokeApiClient.errors.0.code"));
        Assert.Equal("FORBIDDEN", everywhere.Str("data.createApiClient.errors.0.code"));
        Assert.Null(everywhere.At("data.createApiClient")["secret"]);
        Assert.Equal(HttpStatusCode.OK, (await ClientTokenAsync(api, "author-a", RespondApiFixture.Secret)).Status);
    }

    [Fact]
    public async Task SetupChecklist_NewInstallation_ThenEachStepDoneAsItHappens()
    {
        await using var api = ActionScenario.Host();
        const string Checklist = "{ setupChecklist { step done title detail } }";

        var fresh = await api.GraphQLAsync("admin", Checklist);
        Assert.All(fresh.At("data.setupChecklist").AsArray(), item => Assert.False(item!["done"]!.GetValue<bool>()));

        await api.ReadyAsync();
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await CreateUserAsync(api, "admin", "ann", ["Approver"], ["org-a"]);
        var done = await api.GraphQLAsync("admin", Checklist);

        var items = done.At("data.setupChecklist").AsArray();
        Assert.Equal(["TURN_ON_RESPOND", "CONNECT_ORGANIZATION", "ACTIVATE_FIRST_RULE", "INVITE_APPROVER"], items.Select(i => i!.Str("step")));
        Assert.All(items, item => Assert.True(item!["done"]!.GetValue<bool>(), item.ToJsonString()));
        Assert.Contains("ann", items[3]!.Str("detail"));
        Assert.Equal("FORBIDDEN", (await api.GraphQLAsync("viewer", Checklist)).Str("errors.0.extensions.code"));
    }
}
