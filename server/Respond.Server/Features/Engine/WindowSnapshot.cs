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
/// event id, and its signal (a presence byte, then the text).
/// </summary>
public static class WindowSnapshot
{
    /// <summary>The largest part stored in one row.</summary>
    public const int PartBytes = 1 << 20;

    private const byte Version = 1;

    /// <summary>
    /// Replaces the organization's stored snapshot with <paramref name="bytes"/> (<see cref="Serialize"/>d before the
    /// caller took SQLite's writer, so the writer is held only for the rows), inside the caller's transaction.
    /// </summary>
    public static async Task WriteAsync(RespondDbContext db, string organizationId, byte[] bytes, CancellationToken ct)
    {
        await db.WindowSnapshots.Where(p => p.OrganizationId == organizationId).ExecuteDeleteAsync(ct);
        for (int offset = 0, part = 0; offset < bytes.Length; offset += PartBytes, part++)
            db.WindowSnapshots.Add(new WindowSnapshotPart { OrganizationId = organizationId, Part = part, Data = bytes[offset..Math.Min(bytes.Length, offset + PartBytes)] });
    }

    /// <summary>The organization's stored windows; none when it has no snapshot yet.</summary>
    public static async Task<List<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>>> ReadAsync(RespondDbContext db, string organizationId, CancellationToken ct)
    {
        var parts = await db.WindowSnapshots.AsNoTracking().Where(p => p.OrganizationId == organizationId).OrderBy(p => p.Part).Select(p => p.Data).ToListAsync(ct);
        if (parts.Count == 0) return [];
        using var stream = new MemoryStream(parts.Sum(p => p.Length));
        foreach (var part in parts) stream.Write(part);
        stream.Position = 0;
        return Deserialize(stream);
    }

    public static byte[] Serialize(IEnumerable<KeyValuePair<WindowKey, IReadOnlyList<WindowEntry>>> windows)
    {
        var list = windows.ToList();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(list.Count);
            foreach (var (key, entries) in list)
            {
                writer.Write(key.RuleId);
                writer.Write(key.NodeId);
                writer.Write(key.GroupKey);
                writer.Write(entries.Count);
                foreach (var entry in entries)
                {
                    writer.Write(entry.Time.UtcTicks);
                    writer.Write((short)entry.Time.Offset.TotalMinutes);
                    writer.Write(entry.EventId);
                    writer.Write(entry.Signal is not null);
                    if (entry.Signal is not null) writer.Write(entry.Signal);
                }
            }
        }
        return stream.ToArray();
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
