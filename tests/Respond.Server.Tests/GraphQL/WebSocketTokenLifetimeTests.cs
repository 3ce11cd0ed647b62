using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.GraphQL;

/// <summary>A subscription socket never outlives the token it was opened with, nor the principal behind it.</summary>
public sealed class WebSocketTokenLifetimeTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(10);
    private const string Subscription = "subscription { alertRaised { id } }";
    private const string UserPassword = "viewer-password-1";

    private static (RespondApiFixture Api, FakeTimeProvider Time) Host(TimeSpan recheck)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var api = new RespondApiFixture()
            .With("Respond:Identity:AccessTokens:Lifetime", Lifetime.ToString())
            .With("Respond:GraphQL:TokenRecheckInterval", recheck.ToString())
            .WithServices(s => s.AddSingleton<TimeProvider>(time));
        return (api, time);
    }

    [Fact]
    public async Task Subscription_TokenExpires_SocketClosed4403AfterExpiry()
    {
        var (api, time) = Host(recheck: TimeSpan.FromHours(1));
        await using var _ = api;
        await using var socket = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-a");
        await socket.SubscribeAsync("1", Subscription);

        time.Advance(Lifetime / 2);
        var beforeExpiry = await socket.PingAsync();
        time.Advance(Lifetime);
        var (code, reason) = await socket.ClosedAsync();

        Assert.Equal("pong", beforeExpiry);
        Assert.Equal(4403, code);
        Assert.Equal("Forbidden: the access token expired", reason);
    }

    [Fact]
    public async Task Subscription_TokenRevoked_SocketClosed4403AtNextCheck()
    {
        var (api, time) = Host(Recheck);
        await using var _ = api;
        var token = await api.TokenAsync("viewer-a");
        await using var socket = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-a");
        await socket.SubscribeAsync("1", Subscription);
        using var http = api.CreateClient();
        var revoked = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["token_type_hint"] = "access_token", ["client_id"] = "viewer-a", ["client_secret"] = RespondApiFixture.Secret,
        }));
        revoked.EnsureSuccessStatusCode();

        time.Advance(Recheck);
        var (code, reason) = await socket.ClosedAsync();

        Assert.Equal(4403, code);
        Assert.Contains("revoked", reason);
    }

    [Fact]
    public async Task Subscription_PrincipalRemoved_SocketClosed4403AtNextCheck()
    {
        var (api, time) = Host(Recheck);
        await using var _ = api;
        await using var socket = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-a");
        await socket.SubscribeAsync("1", Subscription);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            await db.ServiceClients.Where(c => c.ClientId == "viewer-a").ExecuteDeleteAsync();
        }

        time.Advance(Recheck);
        var (code, reason) = await socket.ClosedAsync();

        Assert.Equal(4403, code);
        Assert.Equal("Forbidden: the principal of this token no longer exists", reason);
    }

    [Fact]
    public async Task Subscription_UserDisabledByAnAdmin_SocketClosed4403AtOnce()
    {
        // No check falls due while the test runs: only the disabling itself can close the socket.
        var (api, _) = Host(recheck: TimeSpan.FromHours(1));
        await using var __ = api;
        var userId = await CreateUserAsync(api, "ann");
        await using var socket = await GraphQLWebSocketClient.ConnectWithTokenAsync(api, await PasswordTokenAsync(api, "ann"));
        await socket.SubscribeAsync("1", Subscription);

        var disabled = await api.GraphQLAsync("admin", "mutation($id: ID!) { disableUser(input: { id: $id }) { user { disabled } errors { code } } }", new { id = userId });
        var (code, reason) = await socket.ClosedAsync();

        Assert.Empty(disabled.Errors("disableUser"));
        Assert.Equal(4403, code);
        Assert.Equal("Forbidden: the user was disabled", reason);
    }

    [Fact]
    public async Task Subscription_AnotherUserDisabled_SocketStaysOpen()
    {
        var (api, _) = Host(recheck: TimeSpan.FromHours(1));
        await using var __ = api;
        await CreateUserAsync(api, "ann");
        var bobId = await CreateUserAsync(api, "bob");
        await using var socket = await GraphQLWebSocketClient.ConnectWithTokenAsync(api, await PasswordTokenAsync(api, "ann"));
        await socket.SubscribeAsync("1", Subscription);

        await api.GraphQLAsync("admin", "mutation($id: ID!) { disableUser(input: { id: $id }) { errors { code } } }", new { id = bobId });

        Assert.Equal("pong", await socket.PingAsync());
    }

    /// <summary>Disabled where this node's signal does not reach (another node, or straight in the database): the periodic check closes it.</summary>
    [Fact]
    public async Task Subscription_UserDisabledElsewhere_SocketClosed4403AtNextCheck()
    {
        var (api, time) = Host(Recheck);
        await using var _ = api;
        var userId = await CreateUserAsync(api, "ann");
        await using var socket = await GraphQLWebSocketClient.ConnectWithTokenAsync(api, await PasswordTokenAsync(api, "ann"));
        await socket.SubscribeAsync("1", Subscription);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, time.GetUtcNow()));
        }

        time.Advance(Recheck);
        var (code, reason) = await socket.ClosedAsync();

        Assert.Equal(4403, code);
        Assert.Equal("Forbidden: the user was disabled", reason);
    }

    private static async Task<string> CreateUserAsync(RespondApiFixture api, string userName)
    {
        var created = await api.GraphQLAsync("admin", "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } errors { code } } }",
            new { input = new { userName, password = UserPassword, roles = new[] { "Viewer" }, organizations = new[] { "org-a" } } });
        Assert.Empty(created.Errors("createUser"));
        return created.Str("data.createUser.user.id");
    }

    private static async Task<string> PasswordTokenAsync(RespondApiFixture api, string userName)
    {
        using var http = api.CreateClient();
        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "respond-cli", ["username"] = userName, ["password"] = UserPassword,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("access_token");
    }

    [Fact]
    public async Task Subscription_TokenStillStands_SocketStaysOpenAcrossChecks()
    {
        var (api, time) = Host(Recheck);
        await using var _ = api;
        await using var socket = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-a");
        await socket.SubscribeAsync("1", Subscription);

        time.Advance(Recheck * 3);

        Assert.Equal("pong", await socket.PingAsync());
    }
}
