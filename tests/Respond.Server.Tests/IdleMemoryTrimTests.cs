using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Respond.Server.Tests;

public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1024 * 1024;
    private long _allocated;
    private int _collections;

    private IdleMemoryTrim Trim(IdleMemoryTrimOptions? options = null) =>
        new(TimeProvider.System, Options.Create(options ?? new IdleMemoryTrimOptions()), NullLogger<IdleMemoryTrim>.Instance)
        {
            AllocatedBytes = () => _allocated,
            Collect = () => _collections++,
        };

    private bool After(IdleMemoryTrim trim, long allocatedMiB)
    {
        _allocated += allocatedMiB * MiB;
        return trim.Check();
    }

    [Fact]
    public void Burst_ThenQuiet_TrimsOnce_AndNotAgainUntilTheNextBurst()
    {
        var trim = Trim();
        trim.Check();

        Assert.False(After(trim, 200)); // busy
        Assert.False(After(trim, 100)); // still busy: 300 MiB in this burst
        Assert.True(After(trim, 1)); // quiet: trimmed
        Assert.False(After(trim, 1)); // still quiet: nothing left to trim
        Assert.False(After(trim, 0));
        Assert.False(After(trim, 300)); // the next burst
        Assert.True(After(trim, 2));

        Assert.Equal((2, 2), (_collections, trim.Trims));
    }

    [Fact]
    public void QuietServer_SmallAllocationsAddingUp_NeverTrims()
    {
        var trim = Trim();
        trim.Check();

        // Heartbeats and timers: 5 MiB per interval for an hour (720 intervals of 5 s) never make a burst.
        for (var i = 0; i < 720; i++) Assert.False(After(trim, 5));

        Assert.Equal(0, _collections);
    }

    [Fact]
    public void FirstLook_OnlyTakesTheBaseline()
    {
        _allocated = 10_000 * MiB; // what start-up allocated is not a burst to trim after

        Assert.False(Trim().Check());
        Assert.Equal(0, _collections);
    }

    /// <summary>The trim closes SQLite's idle pooled connections, whose page caches would otherwise stay in the C library's heap.</summary>
    [Fact]
    public void Collect_ClosesSqliteConnectionsIdleInThePool()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("respond-trim-").FullName, "pooled.db");
        SQLitePCL.sqlite3 handle;
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=True"))
        {
            connection.Open();
            handle = connection.Handle!;
        }
        Assert.False(handle.IsClosed); // closed by its user, kept open in the pool

        new IdleMemoryTrim(TimeProvider.System, Options.Create(new IdleMemoryTrimOptions()), NullLogger<IdleMemoryTrim>.Instance).Collect();

        Assert.True(handle.IsClosed);
    }

    [Fact]
    public async Task TurnedOff_NeverLooks()
    {
        var looks = 0;
        var trim = new IdleMemoryTrim(TimeProvider.System, Options.Create(new IdleMemoryTrimOptions { TrimWhenIdle = false }), NullLogger<IdleMemoryTrim>.Instance)
        {
            AllocatedBytes = () => ++looks,
        };

        await trim.StartAsync(CancellationToken.None);
        await (trim.ExecuteTask ?? Task.CompletedTask);

        Assert.Equal(0, looks);
    }
}
