using Respond.Server.Features.Engine;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Tests.Features.Engine;

public sealed class WindowCacheTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T12:00:00Z");

    [Fact]
    public async Task Evict_WindowOlderThanItsLength_DroppedAndRecentOneKept()
    {
        var cache = new WindowCache();
        var old = new WindowKey("rule-1", "burst", "org-a|alice");
        var recent = new WindowKey("rule-1", "burst", "org-a|bob");
        await cache.SetAsync(old, [new WindowEntry(Now.AddMinutes(-11), "e1", null)], default);
        await cache.SetAsync(recent, [new WindowEntry(Now.AddMinutes(-9), "e2", null)], default);

        var evicted = cache.Evict(new Dictionary<(string, string), TimeSpan> { [("rule-1", "burst")] = TimeSpan.FromMinutes(10) }, Now);

        Assert.Equal(1, evicted);
        Assert.Empty(await cache.GetAsync(old, default));
        Assert.Single(await cache.GetAsync(recent, default));
    }

    [Fact]
    public async Task Evict_RuleNoLongerActive_DropsItsWindows()
    {
        var cache = new WindowCache();
        var key = new WindowKey("rule-paused", "burst", "org-a|alice");
        await cache.SetAsync(key, [new WindowEntry(Now, "e1", null)], default);

        cache.Evict(new Dictionary<(string, string), TimeSpan>(), Now);

        Assert.Empty(await cache.GetAsync(key, default));
    }
}
