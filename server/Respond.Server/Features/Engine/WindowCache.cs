using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The sliding windows (thresholds, correlations) of one evaluation partition. Reads come from memory (the partition's
/// windows are loaded at start-up, so a miss means an empty window, never a query on the hot path). Windows are stored as
/// snapshots, not with every unit of work: a unit remembers the value each window had before it changed it (a unit that
/// fails puts them back, so a retried event is not counted twice), and the windows changed since the last snapshot are
/// written together, next to the log position they reflect, when the next snapshot is due. Windows are a function of the
/// log, so what a crash loses after a snapshot is rebuilt at start-up by replaying the log from that position
/// (<see cref="RuleEvaluator.ReplayWindowsAsync"/>).
/// </summary>
public sealed class WindowCache : IWindowStore
{
    private static readonly IReadOnlyList<WindowEntry> Absent = [];
    private readonly ConcurrentDictionary<WindowKey, IReadOnlyList<WindowEntry>> _windows = new();
    // Key → the value before the running unit's first change to it (Absent when there was none).
    private readonly ConcurrentDictionary<WindowKey, IReadOnlyList<WindowEntry>> _unit = new();
    // Keys changed by committed units since the last stored snapshot.
    private readonly ConcurrentDictionary<WindowKey, byte> _unsaved = new();

    public int Count => _windows.Count;

    /// <summary>True when windows changed since the last stored snapshot (what the next snapshot writes).</summary>
    public bool HasChanges => !_unsaved.IsEmpty || !_unit.IsEmpty;

    public ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct) =>
        ValueTask.FromResult(_windows.TryGetValue(key, out var entries) ? entries : Absent);

    public ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct)
    {
        Remember(key);
        if (entries.Count == 0) _windows.TryRemove(key, out _);
        else _windows[key] = entries;
        return ValueTask.CompletedTask;
    }

    /// <summary>Puts a window loaded from the database (start-up), without marking it changed.</summary>
    public void Load(WindowKey key, IReadOnlyList<WindowEntry> entries) => _windows[key] = entries;

    private void Remember(WindowKey key) => _unit.TryAdd(key, _windows.TryGetValue(key, out var before) ? before : Absent);

    /// <summary>
    /// Writes the snapshot: every window changed since the last one (and by the running unit), inside the caller's
    /// transaction, with two prepared statements (upsert, delete), bypassing EF's change tracker.
    /// </summary>
    public async Task WriteSnapshotAsync(RespondDbContext db, CancellationToken ct)
    {
        if (!HasChanges) return;
        // SQLite and PostgreSQL share the standard upsert; SQL Server has MERGE.
        var standard = !db.Database.IsSqlServer();
        var connection = db.Database.GetDbConnection();
        var tx = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Windows are written inside the unit's transaction.");
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = standard
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
        delete.CommandText = standard
            ? """DELETE FROM "WindowStates" WHERE "RuleId" = @r AND "NodeId" = @n AND "GroupKey" = @g"""
            : "DELETE FROM [WindowStates] WHERE [RuleId] = @r AND [NodeId] = @n AND [GroupKey] = @g";
        var (ur, un, ug, ue) = (Add(upsert, "@r"), Add(upsert, "@n"), Add(upsert, "@g"), Add(upsert, "@e"));
        var (dr, dn, dg) = (Add(delete, "@r"), Add(delete, "@n"), Add(delete, "@g"));
        foreach (var key in _unsaved.Keys.Concat(_unit.Keys).Distinct())
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
    }

    /// <summary>
    /// The unit's transaction committed. With <paramref name="snapshotWritten"/> every change is now stored; otherwise the
    /// unit's changes wait for the next snapshot.
    /// </summary>
    public void Committed(bool snapshotWritten)
    {
        if (snapshotWritten)
        {
            _unsaved.Clear();
        }
        else
        {
            foreach (var key in _unit.Keys) _unsaved.TryAdd(key, 0);
        }
        _unit.Clear();
    }

    /// <summary>The unit failed: every window it changed gets the value it had before the unit.</summary>
    public void RollBack()
    {
        foreach (var (key, before) in _unit)
        {
            if (before.Count == 0) _windows.TryRemove(key, out _);
            else _windows[key] = before;
        }
        _unit.Clear();
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>
    /// Drops windows that can no longer count: their rule node is no longer active, or their newest entry is older
    /// than the node's window before <paramref name="latestEventTime"/> (windows slide on event time). Without this,
    /// windows of groups never seen again would stay in memory forever. Dropped windows are deleted by the next snapshot.
    /// </summary>
    public int Evict(IReadOnlyDictionary<(string RuleId, string NodeId), TimeSpan> windowLengths, DateTimeOffset latestEventTime)
    {
        var evicted = 0;
        foreach (var (key, entries) in _windows)
        {
            var stale = !windowLengths.TryGetValue((key.RuleId, key.NodeId), out var length)
                || entries.Count == 0
                || entries.Max(e => e.Time) < latestEventTime - length;
            if (!stale) continue;
            Remember(key);
            if (_windows.TryRemove(key, out _)) evicted++;
        }
        return evicted;
    }

    private static string Serialize(IReadOnlyList<WindowEntry> entries) => JsonSerializer.Serialize(entries, RespondDbContext.JsonOptions);
}
