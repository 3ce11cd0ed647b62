using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Identity;

namespace Respond.Server.Tests.Identity;

/// <summary>
/// Sign-in lockouts and failure windows live in the database (issue 13): two hosts on one database count the same
/// failures, so a guesser gets the allowance once however many nodes it spreads over, and an unlock holds everywhere.
/// </summary>
public abstract class SignInLockoutAcrossNodesTests(TestDatabase database)
{
    private const string NotCorrect = "The user name or password is not correct.";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    /// <summary>The first node (<paramref name="first"/> null) or another on its database; the first is started here, so its database exists.</summary>
    private RespondApiFixture Node(RespondApiFixture? first, int maxFailuresPerSource = 30)
    {
        var node = (first is null ? RespondApiFixture.For(database) : RespondApiFixture.On(first))
            .With("Respond:Identity:SignIn:LockoutDuration", "00:10:00")
            .With("Respond:Identity:SignIn:MaxLockoutDuration", "00:30:00")
            .With("Respond:Identity:SignIn:MaxFailuresPerSource", maxFailuresPerSource.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithServices(s => s.AddSingleton<TimeProvider>(_time));
        _ = node.Services;
        return node;
    }

    private static async Task<(string? Token, string? Error)> PasswordGrantAsync(RespondApiFixture node, string userName, string password)
    {
        using var http = node.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = password,
        }));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body["access_token"]?.GetValue<string>(), body["error_description"]?.GetValue<string>());
    }

    [SkippableFact]
    public async Task FailuresSpreadOverTwoNodes_LockTheNameAfterTheSameCount_AndBothNodesRefuseIt()
    {
        var first = Node(null);
        await using var _ = first;
        var second = Node(first);
        var answers = new List<string?>();

        for (var i = 0; i < 4; i++) answers.Add((await PasswordGrantAsync(i % 2 == 0 ? first : second, "alice", "guess-" + i)).Error);
        var fifth = await PasswordGrantAsync(second, "ALICE", "guess-4");
        var rightOnFirst = await PasswordGrantAsync(first, "alice", "alice-password");
        var rightOnSecond = await PasswordGrantAsync(second, "alice", "alice-password");
        await second.DisposeHostOnlyAsync();

        Assert.All(answers, a => Assert.Equal(NotCorrect, a));
        Assert.StartsWith("Too many failed sign-ins for this user name", fifth.Error);
        Assert.Null(rightOnFirst.Token);
        Assert.StartsWith("Too many failed sign-ins for this user name", rightOnFirst.Error);
        Assert.Null(rightOnSecond.Token);
        Assert.StartsWith("Too many failed sign-ins for this user name", rightOnSecond.Error);
    }

    [SkippableFact]
    public async Task UnlockSignIn_ThroughOneNode_FreesTheNameOnTheOther()
    {
        var first = Node(null);
        await using var _ = first;
        var second = Node(first);
        for (var i = 0; i < 5; i++) await PasswordGrantAsync(first, "alice", "guess-" + i);
        var lockedOnFirst = await PasswordGrantAsync(first, "alice", "alice-password");

        var unlocked = await second.GraphQLAsync("admin", "mutation { unlockSignIn(input: { userName: \"alice\" }) { wasLocked errors { code } } }");
        var afterUnlock = await PasswordGrantAsync(first, "alice", "alice-password");
        await second.DisposeHostOnlyAsync();

        Assert.StartsWith("Too many failed sign-ins", lockedOnFirst.Error);
        Assert.True(unlocked.At("data.unlockSignIn.wasLocked").GetValue<bool>());
        Assert.NotNull(afterUnlock.Token);
    }

    [SkippableFact]
    public async Task ParallelFailuresOnBothNodes_EveryOneCounts_EachLockoutClaimedOnce()
    {
        var first = Node(null);
        await using var _ = first;
        var second = Node(first);
        var throttles = new[] { first.Services.GetRequiredService<SignInThrottle>(), second.Services.GetRequiredService<SignInThrottle>() };

        var lockouts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => throttles[i % 2].FailedAsync("mallory", "203.0.113.7"))));
        var lockedFor = await throttles[1].LockedForAsync("mallory", "203.0.113.7", CancellationToken.None);
        await second.DisposeHostOnlyAsync();

        // Ten failures with five allowed: two lockouts in a row, the second twice as long, each claimed by one failure.
        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20)], lockouts.OfType<TimeSpan>().Order());
        Assert.Equal(TimeSpan.FromMinutes(20), lockedFor);
    }

    [SkippableFact]
    public async Task FailuresFromOneAddressSpreadOverTwoNodes_ThrottleTheAddressAtTheSameCount()
    {
        var first = Node(null, maxFailuresPerSource: 4);
        await using var _ = first;
        var second = Node(first, maxFailuresPerSource: 4);
        var answers = new List<string?>();

        for (var i = 0; i < 4; i++) answers.Add((await PasswordGrantAsync(i % 2 == 0 ? first : second, "name-" + i, "guess")).Error);
        var fifthOnFirst = await PasswordGrantAsync(first, "alice", "alice-password");
        var fifthOnSecond = await PasswordGrantAsync(second, "alice", "alice-password");
        _time.Advance(TimeSpan.FromMinutes(1));
        var aMinuteLater = await PasswordGrantAsync(second, "alice", "alice-password");
        await second.DisposeHostOnlyAsync();

        Assert.All(answers, a => Assert.Equal(NotCorrect, a));
        Assert.StartsWith("Too many failed sign-ins from this address", fifthOnFirst.Error);
        Assert.StartsWith("Too many failed sign-ins from this address", fifthOnSecond.Error);
        Assert.NotNull(aMinuteLater.Token);
    }

    public sealed class OnSqlite() : SignInLockoutAcrossNodesTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : SignInLockoutAcrossNodesTests(TestDatabase.PostgreSql);
}
