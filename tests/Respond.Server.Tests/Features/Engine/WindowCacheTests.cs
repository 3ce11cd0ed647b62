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
    public async Task SetThenGet_PackedInMemory_KeepsEveryEntryTimeOffsetIdAndSignal_AndASnapshotHoldsThem()
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
        Assert.Equal(entries, Assert.Single(Read(cache.Snapshot())).Value);
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
    public async Task Set_EntriesThatFitTheWindowsArray_WrittenIntoIt_WhileASnapshotTakenBeforeKeepsTheEntriesItSaw()
    {
        var cache = new WindowCache();
        var key = new WindowKey("rule-1", "burst", "org-a|alice");
        WindowEntry[] three = [new(Now, "e1", null), new(Now.AddSeconds(1), "e2", null), new(Now.AddSeconds(2), "e3", null)];
        await cache.SetAsync(key, three, default);
        var array = cache.Held(key);
        var snapshot = cache.Snapshot();
        cache.Committed(snapshotWritten: true);

        // The window slid: e1 left it and e4 came in, as big as before, and so did e5.
        await cache.SetAsync(key, [three[1], three[2], new(Now.AddSeconds(3), "e4", null)], default);
        await cache.SetAsync(key, [three[2], new(Now.AddSeconds(3), "e4", null), new(Now.AddSeconds(4), "e5", null)], default);

        Assert.Same(array, cache.Held(key));
        Assert.Equal(["e3", "e4", "e5"], (await cache.GetAsync(key, default)).Select(e => e.EventId));
        Assert.Equal(three, Assert.Single(Read(snapshot)).Value);
        Assert.Equal(["e3", "e4", "e5"], Assert.Single(Read(cache.Snapshot())).Value.Select(e => e.EventId));
    }

    [Fact]
    public async Task RollBack_AfterAUnitWroteIntoAWindowsArray_PutsBackWhatWasThere()
    {
        var cache = new WindowCache();
        var key = new WindowKey("rule-1", "burst", "org-a|alice");
        WindowEntry[] two = [new(Now, "e1", null), new(Now.AddSeconds(1), "e2", null)];
        await cache.SetAsync(key, two, default);
        cache.Committed(snapshotWritten: false);
        var array = cache.Held(key);

        await cache.SetAsync(key, [two[1], new(Now.AddSeconds(2), "e3", null)], default);
        Assert.Same(array, cache.Held(key));
        cache.RollBack();

        Assert.Equal(two, await cache.GetAsync(key, default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Count_OnPackedWindows_GivesTheAnswersAndWindowsOfTheEntryByEntryCount_OnARandomStream(int seed)
    {
        // Out-of-order times, offsets, ids seen again, non-ASCII and long ids, a window a correlate left with signals,
        // rollbacks: every answer and every window as the port's own count over entry lists gives them.
        var random = new Random(seed);
        var cache = new WindowCache();
        IWindowStore byEntries = new Respond.Workflows.Runtime.InMemory.InMemoryWindowStore();
        WindowKey[] keys = [new("rule-1", "burst", "org-a|alice"), new("rule-1", "burst", "org-a|bob"), new("rule-2", "burst", "org-a|alice")];
        WindowEntry[] signalled = [new(Now.AddMinutes(-1), "s1", "phish"), new(Now.AddMinutes(1), "s2", "")];
        await cache.SetAsync(keys[2], signalled, default);
        await byEntries.SetAsync(keys[2], signalled, default);
        var saved = new Dictionary<WindowKey, IReadOnlyList<WindowEntry>>();
        for (var i = 0; i < 2_000; i++)
        {
            var key = keys[random.Next(keys.Length)];
            var time = Now.AddSeconds(i * 20 + random.Next(-600, 600)).ToOffset(TimeSpan.FromMinutes(random.Next(-4, 5) * 30));
            var id = random.Next(5) switch { 0 => $"ë-{random.Next(40)}", 1 => new string('x', 300) + random.Next(40), _ => $"e-{random.Next(200)}" };
            var length = TimeSpan.FromMinutes(random.Next(1, 12));
            var reachAt = random.Next(1, 9);

            var packed = await cache.CountAsync(key, time, id, length, reachAt, default);
            var expected = await byEntries.CountAsync(key, time, id, length, reachAt, default);

            Assert.Equal(expected.Count, packed.Count);
            Assert.Equal(expected.Reached, packed.Reached);
            Assert.Equal(await byEntries.GetAsync(key, default), await cache.GetAsync(key, default));
            if (random.Next(50) == 0)
            {
                cache.RollBack();
                foreach (var k in keys) await byEntries.SetAsync(k, saved.GetValueOrDefault(k, []), default);
            }
            else if (random.Next(10) == 0)
            {
                cache.Committed(snapshotWritten: false);
                foreach (var k in keys) saved[k] = await byEntries.GetAsync(k, default);
            }
        }
        foreach (var key in keys) Assert.Equal(await byEntries.GetAsync(key, default), await cache.GetAsync(key, default));
    }

    [Fact]
    public async Task Count_ThatFitsTheWindowsArray_WrittenIntoIt_AndRolledBackToWhatWasThere()
    {
        var cache = new WindowCache();
        var key = new WindowKey("rule-1", "burst", "org-a|alice");
        WindowEntry[] three = [new(Now, "e1", null), new(Now.AddSeconds(1), "e2", null), new(Now.AddSeconds(2), "e3", null)];
        await cache.SetAsync(key, three, default);
        cache.Committed(snapshotWritten: false);
        var array = cache.Held(key);

        // e1 leaves the one-minute window as e4 comes in.
        var counted = await cache.CountAsync(key, Now.AddSeconds(61), "e4", TimeSpan.FromMinutes(1), 5, default);

        Assert.Equal(new WindowCount(3, null), counted);
        Assert.Same(array, cache.Held(key));
        Assert.Equal(["e2", "e3", "e4"], (await cache.GetAsync(key, default)).Select(e => e.EventId));
        cache.RollBack();
        Assert.Equal(three, await cache.GetAsync(key, default));
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

        var read = Read(WindowSnapshot.Serialize(Packed(windows)));

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

    /// <summary>Windows as a partition holds them: packed, with room to grow after their entries (which a snapshot does not store).</summary>
    private static List<KeyValuePair<WindowKey, byte[]>> Packed(IEnumerable<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> windows) =>
        [.. windows.Select(w => KeyValuePair.Create(w.Key, PackedWindow.Pack(w.Value, roomToGrow: true)))];

    private static List<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> Read(List<byte[]> parts) =>
        WindowSnapshot.Deserialize(new MemoryStream([.. parts.SelectMany(part => part)]));

    [Fact]
    public void Snapshot_OfAnotherVersion_IsRefusedWithItsVersion()
    {
        var error = Assert.Throws<InvalidDataException>(() => WindowSnapshot.Deserialize(new MemoryStream([9, 0, 0, 0, 0])));
        Assert.Contains("version 9", error.Message);
    }
}
