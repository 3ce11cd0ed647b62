using System.Collections.Concurrent;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>Windows in memory: dry runs, backtests and tests (state is gone with the process).</summary>
public sealed class InMemoryWindowStore : IWindowStore
{
    private readonly ConcurrentDictionary<WindowKey, IReadOnlyList<WindowEntry>> windows = new();

    public IReadOnlyDictionary<WindowKey, IReadOnlyList<WindowEntry>> Windows => windows;

    public ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct) =>
        ValueTask.FromResult(windows.TryGetValue(key, out var entries) ? entries : []);

    public ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            windows.TryRemove(key, out _);
        }
        else
        {
            windows[key] = [.. entries];
        }
        return ValueTask.CompletedTask;
    }
}
