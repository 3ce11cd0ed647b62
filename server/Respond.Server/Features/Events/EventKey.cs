using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Features.Events;

/// <summary>
/// SQLite's log finds a duplicate through a 64-bit key of the event's (organization, source, id), indexed, and then
/// compares the three themselves: two events are the same only when all three are equal, so a shared key costs one more
/// row compared, never an event. Eight bytes per index entry instead of the three texts (about 90 bytes with GUID ids)
/// keep the index a fraction of the size, so the append's random inserts find its pages in the cache far longer
/// (docs/performance.md, thirteenth session). SHA-256, because events come from every tenant: crafting many events with
/// one key would slow every tenant's appends, and with a cryptographic hash that costs about 2^32 work per colliding
/// pair. SQL Server and PostgreSQL keep their unique index on the three columns.
/// </summary>
public static class EventKey
{
    /// <summary>The SQL function the connection that migrates a SQLite database has (<c>respond_event_key(organizationId, source, id)</c>): the migration that added the key fills it with it.</summary>
    public const string SqliteFunction = "respond_event_key";

    /// <summary>The first 8 bytes of SHA-256 over the three as UTF-8, each after its byte length, little-endian.</summary>
    public static long Of(string organizationId, string source, string eventId)
    {
        var most = 12 + Encoding.UTF8.GetMaxByteCount(organizationId.Length + source.Length + eventId.Length);
        var rented = most > 1024 ? ArrayPool<byte>.Shared.Rent(most) : null;
        var buffer = rented ?? stackalloc byte[1024];
        try
        {
            var length = Write(buffer, organizationId);
            length += Write(buffer[length..], source);
            length += Write(buffer[length..], eventId);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], hash);
            return BinaryPrimitives.ReadInt64LittleEndian(hash);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Write(Span<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, buffer[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, length);
        return 4 + length;
    }
}
