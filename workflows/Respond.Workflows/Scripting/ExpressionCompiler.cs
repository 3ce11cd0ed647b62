using System.Collections.Concurrent;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// Compiles <c>condition.expression</c> sources to delegates that run in the server process, once per distinct
/// expression (cached by SHA-256 of the source), each in its own collectible <see cref="AssemblyLoadContext"/> that is
/// unloaded when the entry is evicted.
/// <para>
/// Running in process is safe only because the checked subset cannot do anything unbounded: the expression is a single
/// C# expression over <c>Event</c> (no statements, so no loops; no lambdas, local functions or calls back into itself,
/// so no recursion; no object creation, arrays sized by a number, interpolation widths or format strings, so no
/// allocation chosen by the author), and it may touch only the <see cref="ScriptAllowList.Expression"/> members, each
/// linear at worst in the size of the event (events are at most 64 KiB). Its cost is therefore bounded by the length of
/// the expression times the size of the event, and it can reach nothing but the read-only event view.
/// </para>
/// </summary>
public sealed class ExpressionCompiler : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ExpressionCompilation>> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> order = new();
    private readonly int capacity;
    private readonly TimeSpan? checkTimeLimit;
    private long compilations;
    private long cacheHits;

    /// <param name="capacity">How many compiled expressions to keep; the oldest is evicted (and unloaded) past it.</param>
    /// <param name="checkTimeLimit">How long one check may take; default <see cref="ScriptChecker.CheckTimeLimit"/>.</param>
    public ExpressionCompiler(int capacity = 1024, TimeSpan? checkTimeLimit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
        this.checkTimeLimit = checkTimeLimit;
    }

    /// <summary>How many expressions were compiled (cache misses).</summary>
    public long Compilations => Interlocked.Read(ref compilations);

    /// <summary>How many compile requests were answered from the cache.</summary>
    public long CacheHits => Interlocked.Read(ref cacheHits);

    /// <summary>
    /// Checks and compiles <paramref name="expression"/>, or returns it from the cache. A failed check is cached too
    /// (the same text always fails the same way) and carries the diagnostics instead of a delegate; a check stopped by
    /// the time limit is not (a busy machine is no answer about the text), so the next call checks again.
    /// </summary>
    public ExpressionCompilation Compile(string expression, CancellationToken ct = default)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expression)));
        var created = false;
        var entry = cache.GetOrAdd(key, _ =>
        {
            created = true;
            return new Lazy<ExpressionCompilation>(() => Build(key, expression, ct));
        });
        if (created)
        {
            order.Enqueue(key);
            Evict();
        }
        else
        {
            Interlocked.Increment(ref cacheHits);
        }
        try
        {
            var compilation = entry.Value;
            if (compilation.TimedOut)
            {
                cache.TryRemove(new KeyValuePair<string, Lazy<ExpressionCompilation>>(key, entry));
            }
            return compilation;
        }
        catch (OperationCanceledException)
        {
            // A cancelled compile is not an answer about the expression: forget it so the next caller compiles again.
            cache.TryRemove(new KeyValuePair<string, Lazy<ExpressionCompilation>>(key, entry));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var key in cache.Keys)
        {
            Remove(key);
        }
    }

    private ExpressionCompilation Build(string key, string expression, CancellationToken ct)
    {
        Interlocked.Increment(ref compilations);
        var (diagnostics, compilation, timedOut) = ScriptChecker.CheckExpression(expression, ct, checkTimeLimit);
        if (compilation is null || !ScriptChecker.Passes(diagnostics))
        {
            return new ExpressionCompilation(null, diagnostics) { TimedOut = timedOut };
        }
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image, cancellationToken: ct);
        if (!emitted.Success)
        {
            return new ExpressionCompilation(null,
                [.. emitted.Diagnostics.Select(d => new ScriptDiagnostic(ScriptDiagnostic.Error, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), 1, 1, null))]);
        }
        image.Position = 0;
        var context = new AssemblyLoadContext("expression-" + key[..16], isCollectible: true);
        var assembly = context.LoadFromStream(image);
        var evaluate = assembly.GetType(ScriptChecker.ExpressionClass, throwOnError: true)!
            .GetMethod(ScriptChecker.ExpressionMethod)!
            .CreateDelegate<Func<ScriptEvent, bool>>();
        return new ExpressionCompilation(new CompiledExpression(expression, key, evaluate, context), diagnostics);
    }

    private void Evict()
    {
        while (cache.Count > capacity && order.TryDequeue(out var oldest))
        {
            Remove(oldest);
        }
    }

    private void Remove(string key)
    {
        if (cache.TryRemove(key, out var entry) && entry.IsValueCreated && entry.Value.Expression is { } expression)
        {
            // Unload completes once no delegate from the context is referenced any more (a running evaluation keeps it).
            expression.Unload();
        }
    }
}

/// <summary>The outcome of <see cref="ExpressionCompiler.Compile"/>: a delegate, or the diagnostics that refused it.</summary>
public sealed record ExpressionCompilation(CompiledExpression? Expression, IReadOnlyList<ScriptDiagnostic> Diagnostics)
{
    public bool Succeeded => Expression is not null;

    /// <summary>The check was stopped by its time limit; it was not cached and the next compile tries again.</summary>
    public bool TimedOut { get; init; }
}

/// <summary>A compiled <c>condition.expression</c>: call <see cref="Evaluate"/> per event.</summary>
public sealed class CompiledExpression
{
    private readonly Func<ScriptEvent, bool> evaluate;
    private AssemblyLoadContext? context;

    internal CompiledExpression(string source, string hash, Func<ScriptEvent, bool> evaluate, AssemblyLoadContext context)
    {
        Source = source;
        Hash = hash;
        this.evaluate = evaluate;
        this.context = context;
    }

    public string Source { get; }

    /// <summary>SHA-256 of <see cref="Source"/>, lower-case hex: the cache key.</summary>
    public string Hash { get; }

    /// <summary>The compiled delegate itself, for callers that evaluate in a tight loop.</summary>
    public Func<ScriptEvent, bool> Delegate => evaluate;

    /// <summary>Evaluates the expression; an exception from the expression (e.g. a missing JSON property) propagates.</summary>
    public bool Evaluate(ScriptEvent e) => evaluate(e);

    internal void Unload() => Interlocked.Exchange(ref context, null)?.Unload();
}
