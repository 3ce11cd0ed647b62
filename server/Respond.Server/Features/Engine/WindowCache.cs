using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Sliding-window state for thresholds and correlations. Reads come from memory (all windows are loaded at
/// start-up, so a cache miss means an empty window, never a query on the hot path); changed windows are
/// written to the database after each evaluated batch, so counts survive a restart.
/// </summary>
public sealed class WindowCache : IWindowStore
{
    private readonly ConcurrentDictionary<WindowKey, IReadOnlyList<WindowEntry>> _windows = new();
    private readonly ConcurrentDictionary<WindowKey, byte> _dirty = new();

    public ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct) =>
        ValueTask.FromResult(_windows.TryGetValue(key, out var entries) ? entries : []);

    public ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) _windows.TryRemove(key, out _);
        else _windows[key] = entries;
        _dirty[key] = 0;
        return ValueTask.CompletedTask;
    }

    public async Task LoadAsync(RespondDbContext db, CancellationToken ct)
    {
        _windows.Clear();
        await foreach (var row in db.WindowStates.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            _windows[new WindowKey(row.RuleId, row.NodeId, row.GroupKey)] =
                JsonSerializer.Deserialize<List<WindowEntry>>(row.EntriesJson, RespondDbContext.JsonOptions) ?? [];
    }

    /// <summary>
    /// Writes every window changed since the last flush in one transaction with two prepared statements
    /// (upsert, delete): a batch of events can touch thousands of windows, so this bypasses EF's change tracker.
    /// </summary>
    public async Task FlushAsync(RespondDbContext db, CancellationToken ct)
    {
        if (_dirty.IsEmpty) return;
        var keys = _dirty.Keys.ToList();
        foreach (var k in keys) _dirty.TryRemove(k, out _);
        try
        {
            await WriteAsync(db, keys, ct);
        }
        catch
        {
            foreach (var k in keys) _dirty[k] = 0;
            throw;
        }
    }

    private async Task WriteAsync(RespondDbContext db, List<WindowKey> keys, CancellationToken ct)
    {
        var sqlite = db.Database.IsSqlite();
        // Opened through EF so its connection interceptors (SQLite pragmas) apply.
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = tx;
            upsert.CommandText = sqlite
                ? """
                  INSERT INTO "WindowStates" ("RuleId", "NodeId", "GroupKey", "EntriesJson") VALUES (@r, @n, @g, @e)
                  ON CONFLICT ("RuleId", "NodeId", "GroupKey") DO UPDATE SET "EntriesJson" = excluded."EntriesJson"
                  """
                : """
                  MERGE [WindowStates] WITH (HOLDLOCK) AS t USING (SELECT @r AS RuleId, @n AS NodeId, @g AS GroupKey) AS s
                  ON t.RuleId = s.RuleId AND t.NodeId = s.NodeId AND t.GroupKey = s.GroupKey
                  WHEN MATCHED THEN UPDATE SET EntriesJson = @e
                  WHEN NOT MATCHED THEN INSERT (RuleId, NodeId, GroupKey, EntriesJson) VALUES (@r, @n, @g, @e);
                  """;
            await using var delete = connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = sqlite
                ? """DELETE FROM "WindowStates" WHERE "RuleId" = @r AND "NodeId" = @n AND "GroupKey" = @g"""
                : "DELETE FROM [WindowStates] WHERE [RuleId] = @r AND [NodeId] = @n AND [GroupKey] = @g";
            var (ur, un, ug, ue) = (Add(upsert, "@r"), Add(upsert, "@n"), Add(upsert, "@g"), Add(upsert, "@e"));
            var (dr, dn, dg) = (Add(delete, "@r"), Add(delete, "@n"), Add(delete, "@g"));
            foreach (var key in keys)
            {
                if (_windows.TryGetValue(key, out var entries))
                {
                    (ur.Value, un.Value, ug.Value, ue.Value) = (key.RuleId, key.NodeId, key.GroupKey, Serialize(entries));
                    await upsert.ExecuteNonQueryAsync(ct);
                }
                else
                {
                    (dr.Value, dn.Value, dg.Value) = (key.RuleId, key.NodeId, key.GroupKey);
                    await delete.ExecuteNonQueryAsync(ct);
                }
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static System.Data.Common.DbParameter Add(System.Data.Common.DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>
    /// Drops windows that can no longer count: their rule node is no longer active, or their newest entry is older
    /// than the node's window before <paramref name="latestEventTime"/> (windows slide on event time). Without this,
    /// windows of groups never seen again would stay in memory forever.
    /// </summary>
    public int Evict(IReadOnlyDictionary<(string RuleId, string NodeId), TimeSpan> windowLengths, DateTimeOffset latestEventTime)
    {
        var evicted = 0;
        foreach (var (key, entries) in _windows)
        {
            var stale = !windowLengths.TryGetValue((key.RuleId, key.NodeId), out var length)
                || entries.Count == 0
                || entries.Max(e => e.Time) < latestEventTime - length;
            // Only if unchanged since read: an evaluation may have just added an entry.
            if (!stale || !_windows.TryRemove(KeyValuePair.Create(key, entries))) continue;
            _dirty[key] = 0;
            evicted++;
        }
        return evicted;
    }

    public void Forget(string ruleId)
    {
        foreach (var key in _windows.Keys.Where(k => k.RuleId == ruleId).ToList())
        {
            _windows.TryRemove(key, out _);
            _dirty[key] = 0;
        }
    }

    private static string Serialize(IReadOnlyList<WindowEntry> entries) => JsonSerializer.Serialize(entries, RespondDbContext.JsonOptions);
}
