using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Identity;

namespace Respond.Server.Tests.Identity;

public sealed class SignInLockoutTests
{
    private const string NotCorrect = "The user name or password is not correct.";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private RespondApiFixture Host() => new RespondApiFixture().With("Respond:Identity:SignIn:LockoutDuration", "00:00:02")
        .WithServices(s => s.AddSingleton<TimeProvider>(_time));

    private static async Task<(HttpStatusCode Status, string? Token, string? Error)> PasswordGrantAsync(RespondApiFixture api, string userName, string password)
    {
        using var http = api.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = password,
        }));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (response.StatusCode, body["access_token"]?.GetValue<string>(), body["error_description"]?.GetValue<string>());
    }

    [Fact]
    public async Task PasswordGrant_FiveWrongPasswords_LockTheNameEvenAgainstTheRightPassword_UntilTheLockoutEnds()
    {
        await using var api = Host();
        for (var i = 0; i < 4; i++)
            Assert.Equal(NotCorrect, (await PasswordGrantAsync(api, "alice", "guess-" + i)).Error);

        var fifth = await PasswordGrantAsync(api, "alice", "guess-5");
        var rightButLocked = await PasswordGrantAsync(api, "ALICE", "alice-password");

        Assert.StartsWith("Too many failed sign-ins for this user name", fifth.Error);
        Assert.Equal(HttpStatusCode.BadRequest, rightButLocked.Status);
        Assert.Null(rightButLocked.Token);
        Assert.StartsWith("Too many failed sign-ins", rightButLocked.Error);
        Assert.False(string.IsNullOrEmpty(await api.TokenAsync("admin"))); // other principals are not affected
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.NotNull((await PasswordGrantAsync(api, "alice", "alice-password")).Token);
        Assert.Equal(NotCorrect, (await PasswordGrantAsync(api, "alice", "guess-again")).Error); // a success starts the count anew
    }

    [Fact]
    public async Task PasswordGrant_UnknownUserName_AnsweredAndLockedExactlyLikeAKnownOne()
    {
        await using var api = Host();
        var known = new List<string?>();
        var unknown = new List<string?>();

        for (var i = 0; i < 6; i++)
        {
            known.Add((await PasswordGrantAsync(api, "alice", "guess-" + i)).Error);
            unknown.Add((await PasswordGrantAsync(api, "nobody-here", "guess-" + i)).Error);
        }

        Assert.Equal(known.Select(Shape), unknown.Select(Shape));
        Assert.StartsWith("Too many", known[^1]);
    }

    [Fact]
    public async Task UnlockSignIn_AdminOfEveryOrganization_LiftsTheLockoutAtOnce_OthersRefused()
    {
        await using var api = Host().With("Respond:Identity:SignIn:LockoutDuration", "00:10:00");
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(api, "alice", "guess-" + i);
        const string unlock = "mutation($i: UnlockSignInInput!) { unlockSignIn(input: $i) { userName wasLocked errors { code } } }";

        var byOrgAdmin = await api.GraphQLAsync("admin-a", unlock, new { i = new { userName = "alice" } });
        var byViewer = await api.GraphQLAsync("viewer", unlock, new { i = new { userName = "alice" } });
        var unknown = await api.GraphQLAsync("admin", unlock, new { i = new { userName = "nobody-here" } });
        Assert.StartsWith("Too many", (await PasswordGrantAsync(api, "alice", "alice-password")).Error);
        var unlocked = await api.GraphQLAsync("admin", unlock, new { i = new { userName = "alice" } });

        Assert.Equal("FORBIDDEN", byOrgAdmin.Str("data.unlockSignIn.errors.0.code"));
        Assert.Equal("FORBIDDEN", byViewer.Str("errors.0.extensions.code"));
        Assert.Equal("NOT_FOUND", unknown.Str("data.unlockSignIn.errors.0.code"));
        Assert.True(unlocked.At("data.unlockSignIn.wasLocked").GetValue<bool>());
        Assert.NotNull((await PasswordGrantAsync(api, "alice", "alice-password")).Token);
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"user.signInUnlocked\" }) { edges { node { actorId } } } }");
        Assert.Equal("admin", audit.Str("data.auditTrail.edges.0.node.actorId"));
    }

    /// <summary>A message without its seconds, which may differ by one between two calls.</summary>
    private static string Shape(string? message) => Regex.Replace(message ?? "", @"\d+ s\.", "N s.");

    [Fact]
    public async Task LoginPage_LockedOut_Answers429WithRetryAfter_CountingFailuresOfTheTokenEndpointToo()
    {
        await using var api = Host();
        for (var i = 0; i < 4; i++) await PasswordGrantAsync(api, "alice", "guess-" + i);
        using var browser = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await AuthorizationCodeFlowTests.LoginAsync(browser, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "guess-5" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single()), 1, 2);
        Assert.Contains("Too many failed sign-ins", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Throttle_RepeatedLockouts_DoubleUpToTheMaximum()
    {
        await using var api = new RespondApiFixture().With("Respond:Identity:SignIn:MaxFailures", "3")
            .With("Respond:Identity:SignIn:LockoutDuration", "00:01:00").With("Respond:Identity:SignIn:MaxLockoutDuration", "00:03:00")
            .WithServices(s => s.AddSingleton<TimeProvider>(_time));
        var throttle = api.Services.GetRequiredService<SignInThrottle>();
        var lockouts = new List<TimeSpan?>();

        for (var round = 0; round < 4; round++)
        {
            Assert.Null(await throttle.FailedAsync("mallory", "source"));
            Assert.Null(await throttle.FailedAsync("mallory", "source"));
            lockouts.Add(await throttle.FailedAsync("mallory", "source"));
            Assert.Equal(lockouts[^1], await throttle.LockedForAsync("Mallory", "source", CancellationToken.None));
            _time.Advance(lockouts[^1]!.Value);
            Assert.Null(await throttle.LockedForAsync("mallory", "source", CancellationToken.None));
        }
        Assert.True(await throttle.ForgetAsync("mallory"));

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3)], lockouts);
        Assert.Null(await throttle.FailedAsync("mallory", "source")); // an unlock forgets the history
    }
}
