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
    public async Task SetThenGet_PackedInMemory_KeepsEveryEntryTimeOffsetIdAndSignal_AndCaptureHoldsThemPacked()
    {
        var cache = new WindowCache();
        var key = new WindowKey("rule-1", "pair", "org-a|zoë");
        WindowEntry[] entries =
        [
            new(Now.ToOffset(TimeSpan.FromHours(5.5)).AddTicks(1), "évènement-1", null),
            new(Now.ToOffset(TimeSpan.FromHours(-8)), "", "signal ✓"),
            new(Now.AddMinutes(3), "e3", ""),
        ];
        await cache.SetAsync(key, entries, default);

        var read = await cache.GetAsync(key, default);

        Assert.Equal(entries, read);
        Assert.Equal([TimeSpan.FromHours(5.5), TimeSpan.FromHours(-8), TimeSpan.Zero], read.Select(e => e.Time.Offset));
        Assert.Equal(entries, PackedWindow.Unpack(Assert.Single(cache.Capture()).Value));
        // The newest entry decides eviction, whatever its position in the window.
        Assert.Equal(0, cache.Evict(new Dictionary<(string, string), TimeSpan> { [("rule-1", "pair")] = TimeSpan.FromMinutes(2) }, Now.AddMinutes(4)));
        Assert.Equal(1, cache.Evict(new Dictionary<(string, string), TimeSpan> { [("rule-1", "pair")] = TimeSpan.FromMinutes(2) }, Now.AddMinutes(6)));
    }

    [Fact]
    public async Task RollBack_AfterAUnitChangedPackedWindows_PutsBackWhatWasThere()
    {
        var cache = new WindowCache();
        var kept = new WindowKey("rule-1", "burst", "org-a|alice");
        var added = new WindowKey("rule-1", "burst", "org-a|bob");
        await cache.SetAsync(kept, [new WindowEntry(Now, "e1", null)], default);
        cache.Committed(snapshotWritten: false);

        await cache.SetAsync(kept, [new WindowEntry(Now, "e1", null), new WindowEntry(Now.AddSeconds(1), "e2", null)], default);
        await cache.SetAsync(added, [new WindowEntry(Now, "e3", null)], default);
        cache.RollBack();

        Assert.Equal([new WindowEntry(Now, "e1", null)], await cache.GetAsync(kept, default));
        Assert.Empty(await cache.GetAsync(added, default));
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

        var read = WindowSnapshot.Deserialize(new MemoryStream([.. WindowSnapshot.Serialize(Packed(windows)).SelectMany(part => part)]));

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

        var parts = WindowSnapshot.Serialize(Packed(windows));

        Assert.True(parts.Count >= 3, $"{parts.Count} parts");
        Assert.All(parts, part => Assert.InRange(part.Length, 1, Math.Min(WindowSnapshot.PartBytes, 84_999)));
        Assert.All(parts[..^1], part => Assert.Equal(WindowSnapshot.PartBytes, part.Length));
        var read = WindowSnapshot.Deserialize(new MemoryStream([.. parts.SelectMany(part => part)]));
        Assert.Equal(windows.Count, read.Count);
        Assert.All(read, w => Assert.Equal(windows[w.Key], w.Value));
    }

    [Fact]
    public void Snapshot_StoredByEarlierServers_ReadAndWrittenBackByteForByte()
    {
        // Version 1 as servers before the packed windows wrote it, entry by entry with a BinaryWriter.
        var stored = new MemoryStream();
        using (var writer = new BinaryWriter(stored, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)1);
            writer.Write(1);
            writer.Write("rule-2");
            writer.Write("chain");
            writer.Write("org-a|bob");
            writer.Write(2);
            foreach (var (time, eventId, signal) in new[] { (Now.ToOffset(TimeSpan.FromHours(-5)), "e3", "phish"), (Now.AddSeconds(1), new string('é', 100), (string?)null) })
            {
                writer.Write(time.UtcTicks);
                writer.Write((short)time.Offset.TotalMinutes);
                writer.Write(eventId);
                writer.Write(signal is not null);
                if (signal is not null) writer.Write(signal);
            }
        }

        var read = WindowSnapshot.Deserialize(new MemoryStream(stored.ToArray()));

        Assert.Equal([new WindowEntry(Now.ToOffset(TimeSpan.FromHours(-5)), "e3", "phish"), new WindowEntry(Now.AddSeconds(1), new string('é', 100), null)], Assert.Single(read).Value);
        Assert.Equal(stored.ToArray(), WindowSnapshot.Serialize(Packed(read)).SelectMany(part => part));
    }

    private static IEnumerable<KeyValuePair<WindowKey, byte[]>> Packed(IEnumerable<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> windows) =>
        windows.Select(w => KeyValuePair.Create(w.Key, PackedWindow.Pack(w.Value)));

    [Fact]
    public void Snapshot_OfAnotherVersion_IsRefusedWithItsVersion()
    {
        var error = Assert.Throws<InvalidDataException>(() => WindowSnapshot.Deserialize(new MemoryStream([9, 0, 0, 0, 0])));
        Assert.Contains("version 9", error.Message);
    }
}
