namespace Respond.Workflows.Iocs;

/// <summary>Indicators of compromise named in a rule's conditions; each list deduplicated and sorted.</summary>
public sealed record Indicators(
    IReadOnlyList<string> Ips,
    IReadOnlyList<string> Hashes,
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> ProcessNames);
