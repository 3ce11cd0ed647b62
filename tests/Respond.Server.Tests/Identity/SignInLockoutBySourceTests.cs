using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Identity;

namespace Respond.Server.Tests.Identity;

/// <summary>
/// The lockout holds for the addresses that guessed, not for the person: whoever sends five wrong passwords for `alice`
/// locks `alice` for themselves, while alice signs in from anywhere else; one address spraying many names is refused as a whole.
/// </summary>
public sealed class SignInLockoutBySourceTests
{
    private const string Attacker = "203.0.113.66";
    private const string Alice = "198.51.100.10";

    private static (RespondApiFixture Api, FakeTimeProvider Time) Host()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var api = new RespondApiFixture().WithSourceAddressHeader().WithServices(s => s.AddSingleton<TimeProvider>(time));
        return (api, time);
    }

    private static async Task<(HttpStatusCode Status, string? Token, string? Error)> PasswordGrantAsync(RespondApiFixture api, string source, string userName, string password)
    {
        using var http = api.ClientFrom(source);
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = password,
        }));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (response.StatusCode, body["access_token"]?.GetValue<string>(), body["error_description"]?.GetValue<string>());
    }

    [Fact]
    public async Task Lockout_ByOneAddress_HoldsForThatAddress_RightPasswordFromAnotherAddressSignsIn()
    {
        var (api, _) = Host();
        await using var _ = api;
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(api, Attacker, "alice", "guess-" + i);

        var attackerWithTheRightPassword = await PasswordGrantAsync(api, Attacker, "alice", "alice-password");
        var aliceElsewhere = await PasswordGrantAsync(api, Alice, "alice", "alice-password");
        var attackerAgain = await PasswordGrantAsync(api, Attacker, "alice", "guess-again");

        Assert.Null(attackerWithTheRightPassword.Token);
        Assert.StartsWith("Too many failed sign-ins for this user name", attackerWithTheRightPassword.Error);
        Assert.NotNull(aliceElsewhere.Token);
        Assert.StartsWith("Too many failed sign-ins for this user name", attackerAgain.Error); // alice's success did not reset it
    }

    [Fact]
    public async Task Lockout_Ends_AfterItsDuration_OnTheFakeClock()
    {
        var (api, time) = Host();
        await using var _ = api;
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(api, Attacker, "alice", "guess-" + i);

        var locked = await PasswordGrantAsync(api, Attacker, "alice", "alice-password");
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var afterwards = await PasswordGrantAsync(api, Attacker, "alice", "alice-password");

        Assert.Null(locked.Token);
        Assert.NotNull(afterwards.Token);
    }

    [Fact]
    public async Task OneAddress_ThirtyFailuresOverManyNames_RefusedUncheckedForAMinute_OthersUnaffected()
    {
        var (api, time) = Host();
        await using var _ = api;
        for (var i = 0; i < 30; i++) await PasswordGrantAsync(api, Attacker, "sprayed-name-" + i, "Winter2026!");

        var thirtyFirst = await PasswordGrantAsync(api, Attacker, "alice", "alice-password");
        var aliceElsewhere = await PasswordGrantAsync(api, Alice, "alice", "alice-password");
        time.Advance(TimeSpan.FromSeconds(61));
        var aMinuteLater = await PasswordGrantAsync(api, Attacker, "alice", "alice-password");

        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirst.Status);
        Assert.StartsWith("Too many failed sign-ins from this address", thirtyFirst.Error);
        Assert.NotNull(aliceElsewhere.Token);
        Assert.NotNull(aMinuteLater.Token);
    }

    [Fact]
    public async Task LoginPage_LockedForTheGuessingAddress_Answers429_WhileAnotherAddressSignsIn()
    {
        var (api, _) = Host();
        await using var _ = api;
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(api, Attacker, "alice", "guess-" + i);
        using var attacker = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        attacker.DefaultRequestHeaders.Add(TestSourceAddress.Header, Attacker);
        using var alice = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        alice.DefaultRequestHeaders.Add(TestSourceAddress.Header, Alice);

        var refused = await AuthorizationCodeFlowTests.LoginAsync(attacker, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });
        var signedIn = await AuthorizationCodeFlowTests.LoginAsync(alice, new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice-password" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Throttle_FailuresFromMoreAddressesThanItTracks_LockTheNameForEveryAddress()
    {
        var (api, _) = Host();
        await using var _ = api;
        var throttle = api.Services.GetRequiredService<SignInThrottle>();

        for (var i = 0; i <= SignInThrottle.MaxSourcesPerName; i++) await throttle.FailedAsync("alice", "source-" + i);

        Assert.NotNull(await throttle.LockedForAsync("alice", "source-0", CancellationToken.None));
        Assert.NotNull(await throttle.LockedForAsync("alice", "a-source-that-never-failed", CancellationToken.None));
        Assert.Null(await throttle.LockedForAsync("bob", "source-0", CancellationToken.None));
    }
}
