using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Actions;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Tests.Features.Actions;

/// <summary>An action's timeline names who moved it: a user by user name, Respond's own steps in words.</summary>
public sealed class ActionTimelineNamesTests
{
    [Fact]
    public async Task ResponseActionsTimeline_ActorName_UserNameForAPersonRespondsWordsForItsOwnSteps()
    {
        await using var api = new RespondApiFixture();
        var at = DateTimeOffset.Parse("2026-12-04T08:00:00Z");
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            db.Users.Add(new UserAccount { Id = "user-5e1f0a2b3c4d", UserName = "rita", PasswordHash = "", CreatedAt = at });
            var action = new ResponseAction { Id = "act-named", OrganizationId = "org-a", Type = ResponseActionType.IsolateDevice, DeviceId = "dev-1", SubmittedBy = "user-5e1f0a2b3c4d", SubmittedAt = at };
            action.Begin(ResponseActionStatus.PendingApproval, "user-5e1f0a2b3c4d", null, at);
            action.MoveTo(ResponseActionStatus.Cancelled, "system", "expired", at.AddHours(1));
            db.ResponseActions.Add(action);
            await db.SaveChangesAsync();
        }

        var response = await api.GraphQLAsync("responder-a", "{ responseActions(first: 10) { edges { node { id timeline { actor actorName } } } } }");

        Assert.Null(response["errors"]);
        var timeline = response.At("data.responseActions.edges").AsArray().Single(e => e!.Str("node.id") == "act-named")!.At("node.timeline").AsArray();
        Assert.Equal(["rita", "Respond"], timeline.Select(t => t!.Str("actorName")));
        Assert.Equal("user-5e1f0a2b3c4d", timeline[0]!.Str("actor")); // the id stays beside the name
    }
}
