using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Identity;

/// <summary>
/// Every refused sign-in and every lockout is an audit entry with actor, operation and reason; the actor comes from the
/// server's records (the account or client the attempt named) or is "unknown" — never the text the caller sent.
/// </summary>
public sealed class SignInAuditTests
{
    private const string Forged = "admin\r\n[audit] admin approved everything";

    private static RespondApiFixture Host() => new RespondApiFixture().WithSourceAddressHeader();

    private static async Task PasswordGrantAsync(RespondApiFixture api, string source, string userName, string password)
    {
        using var http = api.ClientFrom(source);
        await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = password,
        }));
    }

    private static async Task<JsonArray> EntriesAsync(RespondApiFixture api, string action, string asClient = "admin")
    {
        var result = await api.GraphQLAsync(asClient, "query($a: String) { auditTrail(where: { action: $a }) { edges { node { actorId actorName action subjectId organizationIds after } } } }", new { a = action });
        return result.At("data.auditTrail.edges").AsArray();
    }

    [Fact]
    public async Task WrongPassword_AuditedWithTheAccountsStoredNameAndTheReason()
    {
        await using var api = Host();
        await PasswordGrantAsync(api, "198.51.100.30", "alice", "not-her-password");

        var entry = Assert.Single(await EntriesAsync(api, "signIn.failed"))!.At("node");

        Assert.Equal("alice", entry.Str("actorName"));
        Assert.StartsWith("user-", entry.Str("actorId"));
        Assert.Equal(entry.Str("actorId"), entry.Str("subjectId"));
        var after = entry.At("after");
        Assert.Equal("wrong password", after.Str("reason"));
        Assert.Equal("password grant", after.Str("via"));
        Assert.Equal("198.51.100.30", after.Str("source"));
    }

    [Fact]
    public async Task UnknownUserName_AuditedAsUnknown_WithoutTheTextTheCallerSent()
    {
        await using var api = Host();
        await PasswordGrantAsync(api, "198.51.100.31", Forged, "whatever");

        var entry = Assert.Single(await EntriesAsync(api, "signIn.failed"))!.At("node");

        Assert.Equal("unknown", entry.Str("actorId"));
        Assert.Equal("unknown", entry.Str("actorName"));
        Assert.Equal("unknown user name", entry.At("after").Str("reason"));
        Assert.DoesNotContain("approved everything", entry.ToJsonString());
    }

    [Fact]
    public async Task FifthFailure_AuditedAsALockoutOfTheAccount()
    {
        await using var api = Host();
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(api, "198.51.100.32", "alice", "guess-" + i);
        await PasswordGrantAsync(api, "198.51.100.32", "alice", "alice-password");

        var lockout = Assert.Single(await EntriesAsync(api, "signIn.lockedOut"))!.At("node");
        var refusals = await EntriesAsync(api, "signIn.failed");

        Assert.Equal("alice", lockout.Str("actorName"));
        Assert.Equal("too many failed sign-ins", lockout.At("after").Str("reason"));
        Assert.Equal(6, refusals.Count);
        Assert.Contains(refusals, r => r!.At("node.after").Str("reason") == "locked out");
    }

    [Fact]
    public async Task ClientAuthenticationFailures_AuditedAsTheRegisteredClientOrUnknown()
    {
        await using var api = Host();
        using var http = api.ClientFrom("198.51.100.33");
        foreach (var clientId in new[] { "viewer-b", Forged })
        {
            await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = "wrong-secret-0123456789",
            }));
        }

        var entries = (await EntriesAsync(api, "signIn.clientRefused")).Select(e => e!.At("node")).ToList();

        Assert.Equal(2, entries.Count);
        var known = Assert.Single(entries, e => e.Str("actorId") == "viewer-b");
        Assert.Equal("[\"org-b\"]", known.At("organizationIds").ToJsonString());
        var unknown = Assert.Single(entries, e => e.Str("actorId") == "unknown");
        Assert.Equal("unknown client id", unknown.At("after").Str("reason"));
        Assert.DoesNotContain("approved everything", unknown.ToJsonString());
    }

    [Fact]
    public async Task InstallationWideSignInEntries_HiddenFromAnAdminOfOneOrganization()
    {
        await using var api = Host();
        await PasswordGrantAsync(api, "198.51.100.34", "nobody-here", "whatever");
        await PasswordGrantAsync(api, "198.51.100.34", "alice", "not-her-password"); // alice belongs to every organization

        Assert.Equal(2, (await EntriesAsync(api, "signIn.failed")).Count);
        Assert.Empty(await EntriesAsync(api, "signIn.failed", asClient: "admin-b"));
    }
}
