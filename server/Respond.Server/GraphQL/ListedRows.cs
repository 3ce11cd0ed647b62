namespace Respond.Server.GraphQL;

/// <summary>
/// The rows the list fields of one request returned, for a per-request relation loader (<c>RuleRelations</c>,
/// <c>ApprovalRelations</c>): a relation of a listed row loads for every listed row at once, any other row (a mutation
/// payload, a subscription event) loads its own.
/// </summary>
public sealed class ListedRows<T>(Func<T, string> id)
{
    private readonly List<T> _rows = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    public void Add(IEnumerable<T> rows)
    {
        foreach (var row in rows)
            if (_ids.Add(id(row))) _rows.Add(row);
    }

    public bool Contains(T row) => _ids.Contains(id(row));

    /// <summary>What a relation of <paramref name="row"/> loads for: every listed row, or the row alone.</summary>
    public IReadOnlyList<T> BatchOf(T row) => Contains(row) ? _rows : [row];
}
