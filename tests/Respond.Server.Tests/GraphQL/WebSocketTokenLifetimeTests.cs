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
