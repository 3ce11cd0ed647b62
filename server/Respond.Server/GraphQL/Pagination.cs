using System.Text;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GraphQL.Types.Relay.DataObjects;
using Microsoft.EntityFrameworkCore;

namespace Respond.Server.GraphQL;

/// <summary>Relay connections over an ordered query: opaque cursors, `first` capped so no client can ask for everything at once.</summary>
public static class Pagination
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static async Task<Connection<TOut>> ToConnectionAsync<TEntity, TOut>(
        this IQueryable<TEntity> ordered, int? first, string? after, Func<TEntity, TOut> map, CancellationToken ct)
    {
        var (offset, size) = Window(first, after);
        var total = await ordered.CountAsync(ct);
        var page = await ordered.Skip(offset).Take(size).ToListAsync(ct);
        return Build(page, offset, total, map);
    }

    /// <summary>The same paging over a list already in memory (e.g. groups computed from a query).</summary>
    public static Connection<T> ToConnection<T>(this IReadOnlyList<T> ordered, int? first, string? after)
    {
        var (offset, size) = Window(first, after);
        return Build(ordered.Skip(offset).Take(size).ToList(), offset, ordered.Count, x => x);
    }

    private static (int Offset, int Size) Window(int? first, string? after)
    {
        var size = first ?? DefaultPageSize;
        if (size < 0 || size > MaxPageSize)
            throw new ExecutionError($"'first' must be between 0 and {MaxPageSize}.") { Code = UserErrorCode.BadUserInput.ToSchemaName() };
        return (after is null ? 0 : Decode(after) + 1, size);
    }

    private static Connection<TOut> Build<TEntity, TOut>(List<TEntity> page, int offset, int total, Func<TEntity, TOut> map)
    {
        var edges = page.Select((e, i) => new Edge<TOut> { Cursor = Encode(offset + i), Node = map(e) }).ToList();
        return new Connection<TOut>
        {
            TotalCount = total,
            Edges = edges,
            PageInfo = new PageInfo
            {
                HasPreviousPage = offset > 0,
                HasNextPage = offset + page.Count < total,
                StartCursor = edges.FirstOrDefault()?.Cursor,
                EndCursor = edges.LastOrDefault()?.Cursor,
            },
        };
    }

    public static FieldBuilder<TSource, TReturn> PageArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.Argument<IntGraphType>("first", "At most this many items (default 50, max 200).").Argument<StringGraphType>("after", "The cursor of the last item of the previous page.");

    private static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + offset));

    private static int Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("o:", StringComparison.Ordinal) && int.TryParse(text[2..], out var offset) && offset >= 0) return offset;
        }
        catch (FormatException) { }
        throw new ExecutionError("'after' is not a cursor this API returned.") { Code = UserErrorCode.BadUserInput.ToSchemaName() };
    }
}
