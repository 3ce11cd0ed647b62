using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// The display names of the principals a request's answer mentions: a user's user name, an API client's client id, and
/// words for Respond's own actors ("engine", "system", "auto-response"). A list field announces the ids its rows name
/// (<see cref="Expect"/>); the first name asked for then loads every announced id at once, one query for users and one
/// for clients, so a page of 100 approval requests costs two queries, not 200. An id nobody announced loads on its own.
/// An id that names no principal (one since deleted) reads as itself. Scoped like the DbContext; query fields run one
/// at a time.
/// </summary>
public sealed class PrincipalNames(RespondDbContext db)
{
    private static readonly Dictionary<string, string> Respond = new(StringComparer.Ordinal)
    {
        [RespondPrincipal.System.Id] = RespondPrincipal.System.Name,
        ["engine"] = "Respond (rule approval gate)",
        ["auto-response"] = "Auto-response",
    };

    private readonly Dictionary<string, string> _names = new(Respond, StringComparer.Ordinal);
    private readonly HashSet<string> _expected = new(StringComparer.Ordinal);

    /// <summary>Ids a list's rows name: they load together with the first name asked for.</summary>
    public void Expect(IEnumerable<string?> ids)
    {
        foreach (var id in ids)
            if (id is not null && !_names.ContainsKey(id)) _expected.Add(id);
    }

    /// <summary>Each id's display name, in the order given.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        Expect(ids);
        if (_expected.Count > 0) await LoadExpectedAsync(ct);
        return [.. ids.Select(id => _names[id])];
    }

    public async Task<string> NameAsync(string id, CancellationToken ct) => (await NamesAsync([id], ct))[0];

    private async Task LoadExpectedAsync(CancellationToken ct)
    {
        var ids = _expected.ToList();
        _expected.Clear();
        foreach (var user in await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.UserName }).ToListAsync(ct))
            _names[user.Id] = user.UserName;
        foreach (var clientId in await db.ServiceClients.AsNoTracking().Where(c => ids.Contains(c.ClientId)).Select(c => c.ClientId).ToListAsync(ct))
            _names[clientId] = clientId;
        foreach (var id in ids) _names.TryAdd(id, id);
    }
}
