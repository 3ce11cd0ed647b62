using Npgsql;
using Respond.Server.Features.Cluster;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Waits for a condition on the PostgreSQL database the test's nodes share, without a fixed poll: it LISTENs on
/// <see cref="ClusterNotice.Channel"/>, which every node notifies in the transaction of each change it announces, and
/// re-reads the condition on every notice, and after <see cref="Unannounced"/> at most for what no notice announces
/// (leases, Quartz check-ins and fired triggers, agent connections), until the overall limit.
/// </summary>
public static class SharedDatabaseWait
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(4);

    /// <summary>The longest the wait goes without reading: the condition may be one no node announces.</summary>
    private static readonly TimeSpan Unannounced = TimeSpan.FromSeconds(1);

    public static async Task<T> UntilAsync<T>(string database, Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? DefaultLimit);
        await using var listener = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false, ApplicationName = "test-wait" }.ConnectionString);
        await listener.OpenAsync();
        var notices = 0;
        listener.Notification += (_, _) => notices++;
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterNotice.Channel}", listener)) await listen.ExecuteNonQueryAsync();
        while (true)
        {
            // Listening before the first read: a change committed after a read is announced, one before it is seen by it.
            var value = await read();
            if (done(value)) return value;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {(limit ?? DefaultLimit).TotalMinutes:0.#} min ({notices} change notices); last seen: {value}");
            await listener.WaitAsync(left < Unannounced ? left : Unannounced);
        }
    }
}
