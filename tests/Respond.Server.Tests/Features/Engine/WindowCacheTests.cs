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

    [Fact]
    public void Snapshot_RoundTrip_KeepsEveryWindowEntryTimeOffsetAndSignal()
    {
        IReadOnlyList<WindowEntry> threshold = [new WindowEntry(Now.AddMinutes(-3), "e1", null), new WindowEntry(Now, "e2", null)];
        IReadOnlyList<WindowEntry> correlate = [new WindowEntry(Now.ToOffset(TimeSpan.FromHours(-5)), "e3", "phish"), new WindowEntry(Now.AddSeconds(1), "é4 ✓", "login")];
        var windows = new Dictionary<WindowKey, IReadOnlyList<WindowEntry>>
        {
            [new WindowKey("rule-1", "burst", "org-a|alice")] = threshold,
            [new WindowKey("rule-2", "chain", "org-a|bob|10.0.0.1")] = correlate,
        };

        var read = WindowSnapshot.Deserialize(new MemoryStream([.. WindowSnapshot.Serialize(windows).SelectMany(part => part)]));

        Assert.Equal(2, read.Count);
        foreach (var (key, entries) in read)
        {
            Assert.Equal(windows[key], entries);
            Assert.Equal(windows[key].Select(e => e.Time.Offset), entries.Select(e => e.Time.Offset));
        }
    }

    [Fact]
    public void Snapshot_LargerThanOnePart_CutIntoPartsBelowTheLargeObjectSize_AndReadBackWhole()
    {
        var windows = Enumerable.Range(0, 40).ToDictionary(
            w => new WindowKey("rule-1", "burst", $"org-a|user-{w}"),
            w => (IReadOnlyList<WindowEntry>)[.. Enumerable.Range(0, 100).Select(e => new WindowEntry(Now.AddSeconds(e), $"{Guid.NewGuid()}", e % 2 == 0 ? "signal" : null))]);

        var parts = WindowSnapshot.Serialize(windows);

        Assert.True(parts.Count >= 3, $"{parts.Count} parts");
        Assert.All(parts, part => Assert.InRange(part.Length, 1, Math.Min(WindowSnapshot.PartBytes, 84_999)));
        Assert.All(parts[..^1], part => Assert.Equal(WindowSnapshot.PartBytes, part.Length));
        var read = WindowSnapshot.Deserialize(new MemoryStream([.. parts.SelectMany(part => part)]));
        Assert.Equal(windows.Count, read.Count);
        Assert.All(read, w => Assert.Equal(windows[w.Key], w.Value));
    }

    [Fact]
    public void Snapshot_OfAnotherVersion_IsRefusedWithItsVersion()
    {
        var error = Assert.Throws<InvalidDataException>(() => WindowSnapshot.Deserialize(new MemoryStream([9, 0, 0, 0, 0])));
        Assert.Contains("version 9", error.Message);
    }
}
