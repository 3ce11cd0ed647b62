using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The sliding windows (thresholds, correlations) of one evaluation partition. Reads come from memory (the partition's
/// windows are loaded at start-up, so a miss means an empty window, never a query on the hot path). Windows are stored as
/// snapshots of the whole partition (<see cref="WindowSnapshot"/>), not with every unit of work: a unit remembers the
/// value each window had before it changed it (a unit that fails puts them back, so a retried event is not counted
/// twice), and the next snapshot writes every window, next to the log position it reflects. Windows are a function of
/// the log, so what a crash loses after a snapshot is rebuilt at start-up by replaying the log from that position
/// (<see cref="RuleEvaluator.ReplayWindowsAsync"/>).
/// In memory each window is one packed byte array (<see cref="PackedWindow"/>), not a list of entry objects: windows
/// live as long as their rule's window (minutes), so every entry object would be copied through the collector's
/// generations and traced by every collection until then (docs/performance.md, eighth session). An update that fits
/// the window's array is written into it (arrays have room to grow): a new array per update was young data that every
/// collection had to find through the old window it was stored in, and copy out (docs/performance.md, ninth session).
/// </summary>
public sealed class WindowCache : IWindowStore
{
    private static readonly IReadOnlyList<WindowEntry> Absent = [];
    // Read and changed only under the partition's lock (units of work, snapshots, eviction), so a plain dictionary:
    // a ConcurrentDictionary holds each window in a node object of its own, and growing its table allocates every node
    // again, young copies of long-lived windows that the next collections had to copy through the generations.
    private readonly Dictionary<WindowKey, byte[]> _windows = [];
    // Key → the value before the running unit's first change to it (empty when there was none). Changed only by the
    // running unit (under the partition's lock); cleared, not replaced, after each unit, so it keeps its capacity (a
    // ConcurrentDictionary's Clear allocates its tables afresh, and every unit grew them again).
    private readonly Dictionary<WindowKey, byte[]> _unit = [];
    // Committed units changed windows since the last stored snapshot.
    private volatile bool _unsaved;

    public int Count => _windows.Count;

    /// <summary>True when windows changed since the last stored snapshot (what the next snapshot writes).</summary>
    public bool HasChanges => _unsaved || _unit.Count > 0;

    /// <summary>True when the running unit changed a window.</summary>
    public bool UnitChanged => _unit.Count > 0;

    /// <summary>The array <paramref name="key"/>'s window is held in (tests: an update that fits is written into it).</summary>
    internal byte[]? Held(WindowKey key) => _windows.GetValueOrDefault(key);

    public ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct) =>
        ValueTask.FromResult(_windows.TryGetValue(key, out var packed) ? PackedWindow.Unpack(packed) : Absent);

    public ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct)
    {
        var current = Remember(key, inPlace: entries.Count > 0);
        if (entries.Count == 0) _windows.Remove(key);
        else if (current is null || !PackedWindow.TryPackInto(current, entries)) _windows[key] = PackedWindow.Pack(entries, roomToGrow: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Counts the event on the packed window itself: no entry objects, no strings read, and the window's array written
    /// in place when the event fits (the same answer and window as the port's reading of it, which
    /// <c>WindowCacheTests</c> compares on random streams).
    /// </summary>
    public ValueTask<WindowCount> CountAsync(WindowKey key, DateTimeOffset time, string eventId, TimeSpan length, int reachAt, CancellationToken ct)
    {
        var from = (time - length).UtcTicks;
        var byteCount = Encoding.UTF8.GetByteCount(eventId);
        Span<byte> id = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(eventId, id);
        var current = _windows.GetValueOrDefault(key);
        var (kept, held) = PackedWindow.Kept(current, from, id);
        var count = held ? kept : kept + 1;
        if (count >= reachAt)
        {
            var entries = PackedWindow.UnpackFrom(current, from);
            if (!held) entries.Add(new WindowEntry(time, eventId, null));
            Remember(key, current, inPlace: false);
            _windows.Remove(key);
            return ValueTask.FromResult(new WindowCount(count, entries));
        }
        Remember(key, current, inPlace: true);
        var packed = PackedWindow.PruneAndAdd(current, from, held ? null : new WindowEntry(time, eventId, null));
        if (!ReferenceEquals(packed, current)) _windows[key] = packed;
        return ValueTask.FromResult(new WindowCount(count, null));
    }

    /// <summary>Puts the windows of a stored snapshot (start-up, a lease taken), without marking them changed.</summary>
    public void Load(IEnumerable<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> stored)
    {
        foreach (var (key, entries) in stored)
            if (entries.Count > 0) _windows[key] = PackedWindow.Pack(entries);
    }

    /// <summary>
    /// Before the running unit's first change to <paramref name="key"/>: keeps the window as it is for
    /// <see cref="RollBack"/>, a copy when the change may write into its array. Returns the window's array, null when it
    /// has none.
    /// </summary>
    private byte[]? Remember(WindowKey key, bool inPlace) => Remember(key, _windows.GetValueOrDefault(key), inPlace);

    private byte[]? Remember(WindowKey key, byte[]? current, bool inPlace)
    {
        ref var before = ref CollectionsMarshal.GetValueRefOrAddDefault(_unit, key, out var remembered);
        if (!remembered) before = current is null ? PackedWindow.Empty : inPlace ? PackedWindow.Copy(current) : current;
        return current;
    }

    /// <summary>
    /// Every window of the partition as it is now, as the parts of a window snapshot (<see cref="WindowSnapshot.Serialize"/>).
    /// Taken between units, under the partition's lock: windows change in place, so the snapshot copies them now and is
    /// then written while evaluation goes on.
    /// </summary>
    public List<byte[]> Snapshot() => WindowSnapshot.Serialize(_windows);

    /// <summary>Between units: a snapshot of the windows as they are now is being written, so they count as saved.</summary>
    public void MarkSaved() => _unsaved = false;

    /// <summary>A snapshot captured from these windows was not stored: the next one is due to write them.</summary>
    public void MarkUnsaved() => _unsaved = true;

    /// <summary>
    /// The unit's transaction committed. With <paramref name="snapshotWritten"/> every change is now stored; otherwise the
    /// unit's changes wait for the next snapshot.
    /// </summary>
    public void Committed(bool snapshotWritten)
    {
        if (snapshotWritten) _unsaved = false;
        else if (_unit.Count > 0) _unsaved = true;
        _unit.Clear();
    }

    /// <summary>The unit failed: every window it changed gets the value it had before the unit.</summary>
    public void RollBack()
    {
        foreach (var (key, before) in _unit)
        {
            if (before.Length == 0) _windows.Remove(key);
            else _windows[key] = before;
        }
        _unit.Clear();
    }

    /// <summary>
    /// Drops windows that can no longer count: their rule node is no longer active, or their newest entry is older
    /// than the node's window before <paramref name="latestEventTime"/> (windows slide on event time). Without this,
    /// windows of groups never seen again would stay in memory forever. The next snapshot no longer holds them.
    /// </summary>
    public int Evict(IReadOnlyDictionary<(string RuleId, string NodeId), TimeSpan> windowLengths, DateTimeOffset latestEventTime)
    {
        var evicted = 0;
        foreach (var (key, packed) in _windows)
        {
            var stale = !windowLengths.TryGetValue((key.RuleId, key.NodeId), out var length)
                || PackedWindow.Newest(packed) < latestEventTime - length;
            if (!stale) continue;
            Remember(key, inPlace: false);
            if (_windows.Remove(key)) evicted++;
        }
        return evicted;
    }
}

/// <summary>
/// A window's entries as one byte array with no references in it, in the encoding a window snapshot stores them
/// (<see cref="WindowSnapshot"/>), so a snapshot copies these bytes as they are: the entry count (int32), then per entry
/// the UTC ticks (int64) and offset minutes (int16) of its time, its event id, and its signal (a presence byte, then the
/// text); little-endian, strings as <see cref="BinaryWriter"/> writes them (a 7-bit encoded UTF-8 length, the bytes).
/// </summary>
internal static class PackedWindow
{
    public static readonly byte[] Empty = [];

    /// <summary>The entries in an array of their size, or with <paramref name="roomToGrow"/> half as much again (not counted: readers stop after the last entry).</summary>
    public static byte[] Pack(IReadOnlyList<WindowEntry> entries, bool roomToGrow = false)
    {
        var size = SizeOf(entries);
        var packed = new byte[roomToGrow ? size + size / 2 : size];
        Write(packed, entries);
        return packed;
    }

    /// <summary>Writes the entries over <paramref name="packed"/> when they fit in it; false (and nothing written) when they do not.</summary>
    public static bool TryPackInto(byte[] packed, IReadOnlyList<WindowEntry> entries)
    {
        if (SizeOf(entries) > packed.Length) return false;
        Write(packed, entries);
        return true;
    }

    /// <summary>The window's entries, without the room after them.</summary>
    public static ReadOnlySpan<byte> Used(byte[] packed)
    {
        ReadOnlySpan<byte> span = packed;
        if (span.Length == 0) return span;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var at = 4;
        for (var i = 0; i < count; i++) at = SkipEntry(span, at);
        return span[..at];
    }

    /// <summary>A copy of the window's entries, in an array of their size.</summary>
    public static byte[] Copy(byte[] packed) => Used(packed).ToArray();

    private static int SizeOf(IReadOnlyList<WindowEntry> entries)
    {
        var size = 4;
        // Indexed here and in Write: a foreach over the interface boxes an enumerator, and a window is packed with every event it counts.
        for (var i = 0; i < entries.Count; i++) size += EntrySize(entries[i]);
        return size;
    }

    private static int EntrySize(WindowEntry entry) => 8 + 2 + StringSize(entry.EventId) + 1 + (entry.Signal is { } signal ? StringSize(signal) : 0);

    private static void Write(Span<byte> span, IReadOnlyList<WindowEntry> entries)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span, entries.Count);
        var at = 4;
        for (var i = 0; i < entries.Count; i++) at = WriteEntry(span, at, entries[i]);
    }

    private static int WriteEntry(Span<byte> span, int at, WindowEntry entry)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Time.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(span[(at + 8)..], (short)entry.Time.Offset.TotalMinutes);
        at = WriteString(span, at + 10, entry.EventId);
        span[at++] = entry.Signal is null ? (byte)0 : (byte)1;
        return entry.Signal is null ? at : WriteString(span, at, entry.Signal);
    }

    public static IReadOnlyList<WindowEntry> Unpack(byte[] packed)
    {
        ReadOnlySpan<byte> span = packed;
        var entries = new WindowEntry[BinaryPrimitives.ReadInt32LittleEndian(span)];
        var at = 4;
        for (var i = 0; i < entries.Length; i++)
        {
            var time = ReadTime(span, at);
            at += 10;
            var eventId = ReadString(span, ref at);
            var signal = span[at++] != 0 ? ReadString(span, ref at) : null;
            entries[i] = new WindowEntry(time, eventId, signal);
        }
        return entries;
    }

    /// <summary>How many entries are no older than <paramref name="fromUtcTicks"/>, and whether one of them has the event id (UTF-8), without reading the strings.</summary>
    public static (int Kept, bool Held) Kept(byte[]? packed, long fromUtcTicks, ReadOnlySpan<byte> eventId)
    {
        if (packed is not { Length: > 0 }) return (0, false);
        ReadOnlySpan<byte> span = packed;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var (kept, held) = (0, false);
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var next = SkipEntry(span, at);
            if (BinaryPrimitives.ReadInt64LittleEndian(span[at..]) >= fromUtcTicks)
            {
                kept++;
                var (length, start) = ReadLength(span, at + 10);
                held |= span.Slice(start, length).SequenceEqual(eventId);
            }
            at = next;
        }
        return (kept, held);
    }

    /// <summary>The entries no older than <paramref name="fromUtcTicks"/>.</summary>
    public static List<WindowEntry> UnpackFrom(byte[]? packed, long fromUtcTicks)
    {
        var entries = packed is { Length: > 0 } ? Unpack(packed) : [];
        var kept = new List<WindowEntry>(entries.Count + 1);
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].Time.UtcTicks >= fromUtcTicks) kept.Add(entries[i]);
        return kept;
    }

    /// <summary>
    /// Drops the entries older than <paramref name="fromUtcTicks"/> by moving the later ones down over them, and writes
    /// <paramref name="added"/> after them. Returns <paramref name="packed"/>, or a larger array (with room to grow) when the
    /// entry does not fit in it.
    /// </summary>
    public static byte[] PruneAndAdd(byte[]? packed, long fromUtcTicks, WindowEntry? added)
    {
        var span = packed is { Length: > 0 } ? packed.AsSpan() : [];
        var count = span.Length == 0 ? 0 : BinaryPrimitives.ReadInt32LittleEndian(span);
        var (read, write, kept) = (4, 4, 0);
        for (var i = 0; i < count; i++)
        {
            var next = SkipEntry(span, read);
            if (BinaryPrimitives.ReadInt64LittleEndian(span[read..]) >= fromUtcTicks)
            {
                if (write != read) span[read..next].CopyTo(span[write..]);
                write += next - read;
                kept++;
            }
            read = next;
        }
        if (added is not null)
        {
            var size = EntrySize(added);
            if (write + size > span.Length)
            {
                var grown = new byte[(write + size) * 3 / 2];
                if (span.Length > 0) span[..write].CopyTo(grown);
                packed = grown;
                span = grown;
            }
            WriteEntry(span, write, added);
            kept++;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span, kept);
        return packed!;
    }

    /// <summary>The latest entry time, without reading the strings.</summary>
    public static DateTimeOffset Newest(byte[] packed)
    {
        ReadOnlySpan<byte> span = packed;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var newest = DateTimeOffset.MinValue;
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            if (ReadTime(span, at) is var time && time > newest) newest = time;
            at = SkipEntry(span, at);
        }
        return newest;
    }

    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> span, int at) =>
        new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[at..]), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[(at + 8)..])));

    private static int StringSize(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var prefix = 1;
        for (var rest = (uint)length >> 7; rest != 0; rest >>= 7) prefix++;
        return prefix + length;
    }

    private static int WriteString(Span<byte> span, int at, string value)
    {
        var length = (uint)Encoding.UTF8.GetByteCount(value);
        for (; length >= 0x80; length >>= 7) span[at++] = (byte)(length | 0x80);
        span[at++] = (byte)length;
        return at + Encoding.UTF8.GetBytes(value, span[at..]);
    }

    /// <summary>The string whose length prefix starts at <paramref name="at"/>, which is left after it.</summary>
    private static string ReadString(ReadOnlySpan<byte> span, ref int at)
    {
        var (length, start) = ReadLength(span, at);
        at = start + length;
        return Encoding.UTF8.GetString(span.Slice(start, length));
    }

    /// <summary>Where the entry after the one starting at <paramref name="at"/> starts.</summary>
    private static int SkipEntry(ReadOnlySpan<byte> span, int at)
    {
        at = SkipString(span, at + 10);
        return span[at++] != 0 ? SkipString(span, at) : at;
    }

    private static int SkipString(ReadOnlySpan<byte> span, int at)
    {
        var (length, start) = ReadLength(span, at);
        return start + length;
    }

    private static (int Length, int Start) ReadLength(ReadOnlySpan<byte> span, int at)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[at++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80) return (length, at);
        }
    }
}
