using System.Collections.Concurrent;

namespace Respond.Server.Persistence;

/// <summary>
/// A query compiled once (<c>EF.CompileAsyncQuery</c>) for each provider's context type: EF keeps a compiled query's
/// executor for the first context it runs on, and one process may hold SQLite and PostgreSQL contexts (the tests do).
/// For queries that run for every chunk of events, where building and looking up the expression tree costs more than
/// SQLite's own work.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<Type, TQuery> _byContext = new();

    public TQuery For(RespondDbContext db) => _byContext.GetOrAdd(db.GetType(), static (_, compile) => compile(), compile);
}
