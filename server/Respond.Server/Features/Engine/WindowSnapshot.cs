using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// An organization's windows as stored: one binary snapshot of all of them, cut into <see cref="WindowSnapshotPart"/>
/// rows. Writing a partition's windows is then a few large sequential rows instead of one upsert per window: on the
/// benchmark's workload a unit of work changed about four windows per event, and upserting each into a table of
/// 400,000 rows kept SQLite's single writer busier than appending the events themselves (docs/performance.md).
/// Format (little-endian, strings as <see cref="BinaryWriter"/> writes them): version byte 1, window count, then per
/// window its rule id, node id, group key, entry count, and per entry the UTC ticks and offset minutes of its time, its
/// event id, and its signal (a presence byte, then the text). From the entry count on, a window is the bytes the
/// partition holds it in (<see cref="PackedWindow"/>), without the room after them.
/// Each snapshot has its own id, and the partition's checkpoint row names the one that counts. So a snapshot can be
/// stored part by part, each in a short transaction of its own, and count only once the checkpoint names it: on SQLite,
/// where writers take turns, no append or unit of work then waits for more than one part (a whole snapshot held the
/// write turn for 30-60 ms on the benchmark, docs/performance.md).
/// </summary>
public static class WindowSnapshot
{
    /// <summary>
    /// The largest part stored in one row: under the runtime's 85,000-byte large-object threshold, so serializing a
    /// snapshot (about 3.5 MB per organization on the benchmark's workload) allocates no large objects.
    /// Large objects are only collected with the whole heap; a megabyte-sized buffer per snapshot, grown and copied, kept
    /// those collections coming under load (docs/performance.md). Snapshots stored in larger parts read the same.
    /// </summary>
    public const int PartBytes = 64 * 1024;

    private const byte Version = 1;

    /// <summary>A new snapshot's id: random, so that no write, on this node or another, reuses the id of parts still stored.</summary>
    public static long NewId() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Adds one part of snapshot <paramref name="snapshotId"/> to the caller's unit (it counts once the checkpoint names it).</summary>
    public static void AddPart(RespondDbContext db, string organizationId, long snapshotId, int part, byte[] data) =>
        db.WindowSnapshots.Add(new WindowSnapshotPart { OrganizationId = organizationId, SnapshotId = snapshotId, Part = part, Data = data });

    /// <summary>Stores <paramref name="parts"/> (<see cref="Serialize"/>) as snapshot <paramref name="snapshotId"/> and deletes every other, inside the caller's transaction.</summary>
    public static async Task WriteAsync(RespondDbContext db, string organizationId, long snapshotId, IReadOnlyList<byte[]> parts, CancellationToken ct)
    {
        await db.WindowSnapshots.Where(p => p.OrganizationId == organizationId && p.SnapshotId != snapshotId).ExecuteDeleteAsync(ct);
        for (var part = 0; part < parts.Count; part++) AddPart(db, organizationId, snapshotId, part, parts[part]);
    }

    /// <summary>The parts stored for the organization that belong to another snapshot than <paramref name="snapshotId"/>, by key.</summary>
    public static async Task<List<(long SnapshotId, int Part)>> OthersThanAsync(RespondDbContext db, string organizationId, long snapshotId, CancellationToken ct) =>
        [.. (await db.WindowSnapshots.AsNoTracking().Where(p => p.OrganizationId == organizationId && p.SnapshotId != snapshotId)
            .Select(p => new { p.SnapshotId, p.Part }).ToListAsync(ct)).Select(p => (p.SnapshotId, p.Part))];

    /// <summary>The organization's stored windows (the snapshot its checkpoint names); none when it has no snapshot yet.</summary>
    public static async Task<List<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>>> ReadAsync(RespondDbContext db, string organizationId, CancellationToken ct)
    {
        // One statement, so a snapshot stored meanwhile (and the previous one's parts deleted) is never read half.
        var parts = await db.WindowSnapshots.AsNoTracking()
            .Where(p => p.OrganizationId == organizationId
                && db.EvaluationCheckpoints.Any(c => c.OrganizationId == organizationId && c.WindowsSnapshotId == p.SnapshotId))
            .OrderBy(p => p.Part).Select(p => p.Data).ToListAsync(ct);
        if (parts.Count == 0) return [];
        using var stream = new MemoryStream(parts.Sum(p => p.Length));
        foreach (var part in parts) stream.Write(part);
        stream.Position = 0;
        return Deserialize(stream);
    }

    /// <summary>The windows (packed, <see cref="PackedWindow"/>) in this format, cut into parts of at most <see cref="PartBytes"/> (the rows to store).</summary>
    public static List<byte[]> Serialize(IReadOnlyCollection<KeyValuePair<WindowKey, byte[]>> windows)
    {
        var parts = new PartStream();
        using (var writer = new BinaryWriter(parts, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(windows.Count);
            foreach (var (key, packed) in windows)
            {
                writer.Write(key.RuleId);
                writer.Write(key.NodeId);
                writer.Write(key.GroupKey);
                // The entry count and the entries, already in this format (not the room after them).
                writer.Write(PackedWindow.Used(packed));
            }
        }
        return parts.Parts();
    }

    /// <summary>A write-only stream into arrays of <see cref="PartBytes"/>, the last one cut to what was written.</summary>
    private sealed class PartStream : Stream
    {
        private readonly List<byte[]> _full = [];
        private byte[] _current = new byte[PartBytes];
        private int _used;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var n = Math.Min(buffer.Length, PartBytes - _used);
                buffer[..n].CopyTo(_current.AsSpan(_used));
                _used += n;
                buffer = buffer[n..];
                if (_used < PartBytes) continue;
                _full.Add(_current);
                _current = new byte[PartBytes];
                _used = 0;
            }
        }

        public override void WriteByte(byte value) => Write([value]);

        public List<byte[]> Parts() => _used == 0 ? _full : [.. _full, _current[.._used]];

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => (long)_full.Count * PartBytes + _used;
        public override long Position { get => Length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    internal static List<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> Deserialize(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var version = reader.ReadByte();
        if (version != Version) throw new InvalidDataException($"Window snapshot version {version} is not one this server reads ({Version}).");
        var count = reader.ReadInt32();
        var windows = new List<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>>(count);
        for (var i = 0; i < count; i++)
        {
            var key = new WindowKey(reader.ReadString(), reader.ReadString(), reader.ReadString());
            var entries = new WindowEntry[reader.ReadInt32()];
            for (var e = 0; e < entries.Length; e++)
            {
                var ticks = reader.ReadInt64();
                var offset = TimeSpan.FromMinutes(reader.ReadInt16());
                var time = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
                var eventId = reader.ReadString();
                entries[e] = new WindowEntry(time, eventId, reader.ReadBoolean() ? reader.ReadString() : null);
            }
            windows.Add(new(key, entries));
        }
        return windows;
    }
}
