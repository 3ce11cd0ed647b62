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

    /// <summary>Writes every window changed since the last flush (upsert or delete) in one transaction.</summary>
    public async Task FlushAsync(RespondDbContext db, CancellationToken ct)
    {
        if (_dirty.IsEmpty) return;
        var keys = _dirty.Keys.ToList();
        foreach (var k in keys) _dirty.TryRemove(k, out _);
        var ruleIds = keys.Select(k => k.RuleId).Distinct().ToList();
        var groupKeys = keys.Select(k => k.GroupKey).Distinct().ToList();
        var existing = await db.WindowStates.Where(w => ruleIds.Contains(w.RuleId) && groupKeys.Contains(w.GroupKey)).ToListAsync(ct);
        var byKey = existing.ToDictionary(w => new WindowKey(w.RuleId, w.NodeId, w.GroupKey));
        foreach (var key in keys)
        {
            var has = _windows.TryGetValue(key, out var entries);
            byKey.TryGetValue(key, out var row);
            if (!has && row is not null) db.WindowStates.Remove(row);
            else if (has && row is null)
                db.WindowStates.Add(new WindowStateRecord { RuleId = key.RuleId, NodeId = key.NodeId, GroupKey = key.GroupKey, EntriesJson = Serialize(entries!) });
            else if (has) row!.EntriesJson = Serialize(entries!);
        }
        await db.SaveChangesAsync(ct);
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
