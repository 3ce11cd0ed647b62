using System.Buffers.Binary;
using System.Collections.Concurrent;
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
/// generations and traced by every collection until then (docs/performance.md, eighth session).
/// </summary>
public sealed class WindowCache : IWindowStore
{
    private static readonly IReadOnlyList<WindowEntry> Absent = [];
    private readonly ConcurrentDictionary<WindowKey, byte[]> _windows = new();
    // Key → the value before the running unit's first change to it (empty when there was none).
    private readonly ConcurrentDictionary<WindowKey, byte[]> _unit = new();
    // Committed units changed windows since the last stored snapshot.
    private volatile bool _unsaved;

    public int Count => _windows.Count;

    /// <summary>True when windows changed since the last stored snapshot (what the next snapshot writes).</summary>
    public bool HasChanges => _unsaved || !_unit.IsEmpty;

    /// <summary>True when the running unit changed a window.</summary>
    public bool UnitChanged => !_unit.IsEmpty;

    public ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct) =>
        ValueTask.FromResult(_windows.TryGetValue(key, out var packed) ? PackedWindow.Unpack(packed) : Absent);

    public ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct)
    {
        Remember(key);
        if (entries.Count == 0) _windows.TryRemove(key, out _);
        else _windows[key] = PackedWindow.Pack(entries);
        return ValueTask.CompletedTask;
    }

    /// <summary>Puts the windows of a stored snapshot (start-up, a lease taken), without marking them changed.</summary>
    public void Load(IEnumerable<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> stored)
    {
        foreach (var (key, entries) in stored)
            if (entries.Count > 0) _windows[key] = PackedWindow.Pack(entries);
    }

    private void Remember(WindowKey key) => _unit.TryAdd(key, _windows.TryGetValue(key, out var before) ? before : PackedWindow.Empty);

    /// <summary>
    /// Every window of the partition as it is now, for <see cref="WindowSnapshot.Serialize"/>. Taken between units (under
    /// the partition's lock); a window's packed entries are never changed once set, so the copy stays this state.
    /// </summary>
    public IReadOnlyCollection<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> Capture() => new CapturedWindows(_windows);

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
        else if (!_unit.IsEmpty) _unsaved = true;
        _unit.Clear();
    }

    /// <summary>The unit failed: every window it changed gets the value it had before the unit.</summary>
    public void RollBack()
    {
        foreach (var (key, before) in _unit)
        {
            if (before.Length == 0) _windows.TryRemove(key, out _);
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
                || packed.Length == 0
                || PackedWindow.Newest(packed) < latestEventTime - length;
            if (!stale) continue;
            Remember(key);
            if (_windows.TryRemove(key, out _)) evicted++;
        }
        return evicted;
    }
}

/// <summary>
/// A copy of a partition's windows (references to their immutable packed entries, unpacked as they are enumerated), kept
/// in blocks below the runtime's large-object size: a partition holds tens of thousands of windows, and one array of
/// them would be a large object on every snapshot (see <see cref="WindowSnapshot.PartBytes"/>).
/// </summary>
internal sealed class CapturedWindows : IReadOnlyCollection<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>>
{
    private const int BlockSize = 2048;
    private readonly List<KeyValuePair<WindowKey, byte[]>[]> _blocks = [];

    public CapturedWindows(IEnumerable<KeyValuePair<WindowKey, byte[]>> windows)
    {
        var block = new KeyValuePair<WindowKey, byte[]>[BlockSize];
        var used = 0;
        foreach (var window in windows)
        {
            if (used == BlockSize)
            {
                _blocks.Add(block);
                block = new KeyValuePair<WindowKey, byte[]>[BlockSize];
                used = 0;
            }
            block[used++] = window;
        }
        if (used > 0) _blocks.Add(block[..used]);
        Count = (_blocks.Count - (used > 0 ? 1 : 0)) * BlockSize + used;
    }

    public int Count { get; }

    public IEnumerator<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> GetEnumerator() =>
        _blocks.SelectMany(b => b).Select(w => KeyValuePair.Create(w.Key, PackedWindow.Unpack(w.Value))).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A window's entries as one byte array with no references in it: per entry the time (UTC ticks and offset minutes),
/// the event id and the signal in UTF-8, each string prefixed by its byte length (-1 for no signal).
/// </summary>
internal static class PackedWindow
{
    public static readonly byte[] Empty = [];

    public static byte[] Pack(IReadOnlyList<WindowEntry> entries)
    {
        var size = 4;
        foreach (var entry in entries)
            size += 8 + 2 + 4 + Encoding.UTF8.GetByteCount(entry.EventId) + 4 + (entry.Signal is null ? 0 : Encoding.UTF8.GetByteCount(entry.Signal));
        var packed = new byte[size];
        var span = packed.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, entries.Count);
        var at = 4;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Time.UtcTicks);
            BinaryPrimitives.WriteInt16LittleEndian(span[(at + 8)..], (short)entry.Time.TotalOffsetMinutes);
            at += 10;
            at = WriteString(span, at, entry.EventId);
            at = WriteString(span, at, entry.Signal);
        }
        return packed;
    }

    public static IReadOnlyList<WindowEntry> Unpack(byte[] packed)
    {
        ReadOnlySpan<byte> span = packed;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var entries = new WindowEntry[count];
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var time = ReadTime(span, at);
            at += 10;
            var eventId = ReadString(span, ref at)!;
            entries[i] = new WindowEntry(time, eventId, ReadString(span, ref at));
        }
        return entries;
    }

    /// <summary>The latest entry time, without unpacking the strings.</summary>
    public static DateTimeOffset Newest(byte[] packed)
    {
        ReadOnlySpan<byte> span = packed;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var newest = DateTimeOffset.MinValue;
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var time = ReadTime(span, at);
            if (time > newest) newest = time;
            at += 10;
            at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(span[at..]));
            at += 4 + Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(span[at..]));
        }
        return newest;
    }

    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> span, int at)
    {
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[(at + 8)..]));
        return new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[at..]) + offset.Ticks, offset);
    }

    private static int WriteString(Span<byte> span, int at, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], -1);
            return at + 4;
        }
        var length = Encoding.UTF8.GetBytes(value, span[(at + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], length);
        return at + 4 + length;
    }

    private static string? ReadString(ReadOnlySpan<byte> span, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        if (length < 0) return null;
        var value = Encoding.UTF8.GetString(span.Slice(at, length));
        at += length;
        return value;
    }
}
