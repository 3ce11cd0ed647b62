using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Approvals;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Features.Approvals;

/// <summary>Approval requests name their requester, decider and voters by display name, loaded once per page, never per row.</summary>
public sealed class ApprovalPrincipalNamesTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-04T08:00:00Z");

    private const string Names = "{ approvalRequests(first: 100, order: EXPIRES_SOONEST) { edges { node { id requestedBy requestedByName decidedByName decisions { by byName } } } } }";

    [Fact]
    public async Task ApprovalRequests_RequesterDeciderAndVoters_ShownByUserNameClientIdOrRespondsOwnWords()
    {
        await using var api = new RespondApiFixture();
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            db.Users.Add(new UserAccount { Id = "user-0a1b2c3d4e5f", UserName = "rita", PasswordHash = "", CreatedAt = Start });
            db.Users.Add(new UserAccount { Id = "user-9f8e7d6c5b4a", UserName = "victor", PasswordHash = "", CreatedAt = Start });
            var byUser = Request("apr-user", "user-0a1b2c3d4e5f", 0);
            byUser.Record(ApprovalStatus.Rejected, "user-9f8e7d6c5b4a", "not this one", Start.AddMinutes(1));
            var byClient = Request("apr-client", "ingestor-a", 1);
            byClient.Record(ApprovalStatus.Approved, "approver-a", null, Start.AddMinutes(2));
            db.ApprovalRequests.AddRange(byUser, byClient, Request("apr-gate", ApprovalRequest.Engine, 2), Request("apr-gone", "user-deleted00", 3));
            await db.SaveChangesAsync();
        }

        var response = await api.GraphQLAsync("approver-a", Names);

        Assert.Null(response["errors"]);
        var nodes = response.At("data.approvalRequests.edges").AsArray().Select(e => e!["node"]!).ToDictionary(n => n.Str("id"));
        Assert.Equal("rita", nodes["apr-user"].Str("requestedByName"));
        Assert.Equal("victor", nodes["apr-user"].Str("decidedByName"));
        Assert.Equal("victor", nodes["apr-user"].Str("decisions.0.byName"));
        Assert.Equal("ingestor-a", nodes["apr-client"].Str("requestedByName")); // an API client by its client id
        Assert.Equal("approver-a", nodes["apr-client"].Str("decidedByName"));
        Assert.Equal("Respond (rule approval gate)", nodes["apr-gate"].Str("requestedByName"));
        Assert.Null(nodes["apr-gate"]["decidedByName"]);
        Assert.Equal("user-deleted00", nodes["apr-gone"].Str("requestedByName")); // nobody by that id any more: the id itself
    }

    [Fact]
    public async Task ApprovalRequestsPage_NamesOfEveryRow_SqlCommandsConstantInTheNumberOfRequesters()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(new RespondApiFixture());
        await SeedRequestersAsync(api, 0, 3);
        var few = await CountAsync(api, commands, 3);
        await SeedRequestersAsync(api, 3, 60);

        var many = await CountAsync(api, commands, 63);

        Assert.Equal(few, many);
        Assert.True(many <= 2, $"{many} commands read users or clients for the names");
    }

    private static ApprovalRequest Request(string id, string requestedBy, int i) => new()
    {
        Id = id,
        OrganizationId = "org-a",
        ProposedActionsJson = $$"""[{"type":"IsolateDevice","target":{"deviceId":"dev-{{i}}"},"parameters":"{}"}]""",
        RequestedBy = requestedBy,
        CreatedAt = Start.AddSeconds(i),
        ExpiresAt = Start.AddDays(30).AddMinutes(i),
    };

    /// <summary>Requests each asked by a different user, each decided by yet another.</summary>
    private static async Task SeedRequestersAsync(RespondApiFixture api, int from, int count)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        for (var i = from; i < from + count; i++)
        {
            db.Users.Add(new UserAccount { Id = $"user-req{i:D4}", UserName = $"requester {i}", PasswordHash = "", CreatedAt = Start });
            db.Users.Add(new UserAccount { Id = $"user-dec{i:D4}", UserName = $"decider {i}", PasswordHash = "", CreatedAt = Start });
            var request = Request($"apr-{i:D4}", $"user-req{i:D4}", i);
            request.Record(ApprovalStatus.Approved, $"user-dec{i:D4}", null, Start.AddMinutes(1));
            db.ApprovalRequests.Add(request);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Commands reading the users or clients tables while the page is answered; signing the caller in may read them too
    /// (the same for any page), and background work may, so the fewest of two runs is taken.
    /// </summary>
    private static async Task<int> CountAsync(RespondApiFixture api, SqlCommandLog commands, int expected)
    {
        var counts = new List<int>();
        for (var run = 0; run < 2; run++)
        {
            var token = await api.TokenAsync("approver-a"); // the token request reads the clients table: not part of the page
            Assert.NotEmpty(token);
            commands.Clear();
            var response = await api.GraphQLAsync("approver-a", Names);
            Assert.Null(response["errors"]);
            var nodes = response.At("data.approvalRequests.edges").AsArray();
            Assert.Equal(expected, nodes.Count);
            Assert.All(nodes, n => Assert.StartsWith("requester ", n!.Str("node.requestedByName")));
            Assert.All(nodes, n => Assert.StartsWith("decider ", n!.Str("node.decidedByName")));
            counts.Add(commands.Reading("Users", "ServiceClients"));
        }
        return counts.Min();
    }
}
