using System.Security.Cryptography;
using System.Text;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Scripts;

/// <summary>
/// A named <c>RUN_SCRIPT</c> script in the library. Rules reference a script version rather than pasting code; every
/// change writes a <see cref="ScriptVersion"/>. Only sources that pass <c>ScriptChecker</c> are ever saved.
/// </summary>
public sealed class Script
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    /// <summary><see cref="OrganizationScope"/> encoding; "" means every organization.</summary>
    public string Organizations { get; set; } = "";
    /// <summary>The current version: increases on every change and is the concurrency token behind expectedVersion.</summary>
    public int Version { get; private set; } = 1;
    /// <summary>The current version's source, kept here too so listing scripts needs no join.</summary>
    public required string Source { get; set; }
    public required string ContentHash { get; set; }
    /// <summary>
    /// An Admin reviewed this script and marked it safe: running it (<c>RUN_SCRIPT</c>) is then not destructive
    /// (seed 002, "Depends"). The mark covers the reviewed source only: a new source clears it.
    /// </summary>
    public bool IsSafe { get; private set; }
    public string? MarkedSafeBy { get; private set; }
    public DateTimeOffset? MarkedSafeAt { get; private set; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public IReadOnlyList<string> OrganizationIds => OrganizationScope.Decode(Organizations);

    public bool CanBeChangedBy(RespondPrincipal principal) =>
        principal.SeesAllOrganizations || (Organizations != "" && OrganizationIds.All(principal.CanSee));

    /// <summary>Whether the script may run for <paramref name="organizationId"/>.</summary>
    public bool Covers(string organizationId) => Organizations == "" || OrganizationIds.Contains(organizationId);

    /// <summary>A new version; a changed source drops the safe mark, since the admin never reviewed it.</summary>
    public void Revise(string? source, string by, DateTimeOffset at)
    {
        if (source is not null && Hash(source) is var hash && hash != ContentHash)
        {
            Source = source;
            ContentHash = hash;
            ClearSafeMark();
        }
        Version++;
        UpdatedAt = at;
        UpdatedBy = by;
    }

    public void MarkSafe(bool safe, string by, DateTimeOffset at)
    {
        if (!safe)
        {
            ClearSafeMark();
            return;
        }
        IsSafe = true;
        MarkedSafeBy = by;
        MarkedSafeAt = at;
    }

    /// <summary>SHA-256 of the UTF-8 source, lower-case hex: the same key the worker pool caches compiled scripts by.</summary>
    public static string Hash(string source) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    private void ClearSafeMark()
    {
        IsSafe = false;
        MarkedSafeBy = null;
        MarkedSafeAt = null;
    }
}

/// <summary>One saved state of a script: what a rule pins when it references "script X, version N".</summary>
public sealed class ScriptVersion
{
    public long Id { get; init; }
    public required string ScriptId { get; init; }
    public int Version { get; init; }
    public required string Name { get; init; }
    public required string Source { get; init; }
    public required string ContentHash { get; init; }
    /// <summary>Warnings the checker reported when this version was saved (errors are never saved).</summary>
    public int DiagnosticsCount { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public static ScriptVersion Of(Script script, int diagnosticsCount) => new()
    {
        ScriptId = script.Id,
        Version = script.Version,
        Name = script.Name,
        Source = script.Source,
        ContentHash = script.ContentHash,
        DiagnosticsCount = diagnosticsCount,
        CreatedBy = script.UpdatedBy ?? script.CreatedBy,
        CreatedAt = script.UpdatedAt,
    };
}
