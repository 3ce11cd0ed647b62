namespace Respond.Workflows.Runtime;

/// <summary>
/// Striped async locks: serialises read-modify-write of one instance inside this process, at a fixed memory cost
/// whatever the number of keys (two keys may share a stripe, which only costs a little waiting).
/// </summary>
internal sealed class KeyedLocks
{
    private readonly SemaphoreSlim[] stripes;

    public KeyedLocks(int count = 64)
    {
        stripes = new SemaphoreSlim[count];
        for (var i = 0; i < count; i++)
        {
            stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async ValueTask<Releaser> LockAsync<TKey>(TKey key, CancellationToken ct) where TKey : notnull
    {
        var stripe = stripes[(int)((uint)EqualityComparer<TKey>.Default.GetHashCode(key) % (uint)stripes.Length)];
        await stripe.WaitAsync(ct).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
