using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Engine;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Tests.Features.Engine;

public sealed class RuleIndexTests
{
    private static RespondApiFixture Host() =>
        new RespondApiFixture().WithServices(s => s.AddSingleton<IActionDispatcher>(new RecordingDispatcher()));

    [Fact]
    public async Task ActivateRule_AmongActiveRules_ReadsAndCompilesOnlyThatRule()
    {
        await using var api = Host();
        var earlier = new List<string>();
        for (var i = 0; i < 5; i++) earlier.Add(await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, name: $"earlier {i}"));
        var index = api.Services.GetRequiredService<RuleIndex>();
        var compiledEarlier = earlier.Select(id => index.Triggers.Find(id)!).ToList();
        var (read, compiled) = (index.DefinitionsRead, index.Triggers.Compilations);

        var added = await api.ActiveRuleAsync(EngineScenario.ThresholdRule, name: "added");

        Assert.NotNull(index.Triggers.Find(added));
        Assert.Equal(1, index.Triggers.Compilations - compiled);
        Assert.Equal(1, index.DefinitionsRead - read);
        Assert.All(earlier.Zip(compiledEarlier), e => Assert.Same(e.Second, index.Triggers.Find(e.First)));
    }

    [Fact]
    public async Task PauseRule_AmongActiveRules_TakesOnlyThatRuleOutOfTheIndex()
    {
        await using var api = Host();
        var kept = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule, name: "kept");
        var paused = await api.ActiveRuleAsync(EngineScenario.ThresholdRule, name: "paused");
        var index = api.Services.GetRequiredService<RuleIndex>();
        var keptCompiled = index.Triggers.Find(kept);
        var compiled = index.Triggers.Compilations;

        var result = await api.GraphQLAsync("admin", "mutation($id: ID!) { pauseRule(input: { id: $id }) { errors { code } } }", new { id = paused });

        Assert.Empty(result.Errors("pauseRule"));
        Assert.Null(index.Triggers.Find(paused));
        Assert.DoesNotContain(index.Active, r => r.RuleId == paused);
        Assert.Same(keptCompiled, index.Triggers.Find(kept));
        Assert.Equal(compiled, index.Triggers.Compilations);
    }
}
