using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

/// <summary>One field of a rule that differs: its value in the running version and in the one to approve.</summary>
public sealed record RuleFieldChange(string Field, string? Before, string? After);

/// <summary>A node added, removed or reconfigured; configs are the JSON objects as saved.</summary>
public sealed record RuleNodeChange(string NodeId, string Change, string Type, JsonNode? ConfigBefore, JsonNode? ConfigAfter);

/// <summary>
/// What an approver of a rule activation reads: how the version to run differs from the one running now (or, for a
/// rule that does not run, everything it would do). Positions and descriptions are left out: they change nothing that runs.
/// </summary>
public sealed record RuleDiff(
    int? RunningVersion,
    int ProposedVersion,
    IReadOnlyList<RuleFieldChange> Fields,
    IReadOnlyList<RuleNodeChange> Nodes,
    IReadOnlyList<string> EdgesAdded,
    IReadOnlyList<string> EdgesRemoved)
{
    public bool IsEmpty => Fields.Count == 0 && Nodes.Count == 0 && EdgesAdded.Count == 0 && EdgesRemoved.Count == 0;

    /// <summary><paramref name="running"/>: the version the engine runs now, or null when the rule does not run.</summary>
    public static RuleDiff Between(RuleVersion? running, Rule proposed)
    {
        var fields = new List<RuleFieldChange>();
        void Compare(string field, string? before, string? after)
        {
            if (before != after) fields.Add(new RuleFieldChange(field, before, after));
        }
        Compare("name", running?.Name, proposed.Name);
        Compare("outcome", running is null ? null : ApiEnumName.Format(running.Outcome), ApiEnumName.Format(proposed.Outcome));
        Compare("organizations", running is null ? null : Scope(running.Organizations ?? proposed.Organizations), Scope(proposed.Organizations));

        var before = Graph.Parse(running?.DefinitionJson);
        var after = Graph.Parse(proposed.DefinitionJson);
        var nodes = new List<RuleNodeChange>();
        foreach (var (id, node) in after.Nodes)
        {
            if (!before.Nodes.TryGetValue(id, out var old)) nodes.Add(new RuleNodeChange(id, "added", node.Type, null, node.Config));
            else if (old.Type != node.Type || !JsonNode.DeepEquals(old.Config, node.Config))
                nodes.Add(new RuleNodeChange(id, "changed", node.Type, old.Config, node.Config));
        }
        foreach (var (id, node) in before.Nodes.Where(n => !after.Nodes.ContainsKey(n.Key)))
            nodes.Add(new RuleNodeChange(id, "removed", node.Type, node.Config, null));
        return new RuleDiff(running?.Version, proposed.Version, fields, nodes,
            [.. after.Edges.Except(before.Edges)], [.. before.Edges.Except(after.Edges)]);
    }

    /// <summary>Whether the engine would behave differently: the definition, outcome or scope changed (not name or layout).</summary>
    public static bool ChangesWhatRuns(string hashBefore, RuleOutcome outcomeBefore, string organizationsBefore, Rule after) =>
        hashBefore != after.DefinitionHash || outcomeBefore != after.Outcome || organizationsBefore != after.Organizations;

    public string ToJson() => JsonSerializer.Serialize(this, RespondDbContext.JsonOptions);

    private static string Scope(string organizations) =>
        organizations == "" ? "every organization" : string.Join(", ", OrganizationScope.Decode(organizations));

    private sealed record GraphNode(string Type, JsonNode? Config);

    private sealed record Graph(IReadOnlyDictionary<string, GraphNode> Nodes, IReadOnlyList<string> Edges)
    {
        public static Graph Parse(string? definitionJson)
        {
            if (string.IsNullOrEmpty(definitionJson) || JsonNode.Parse(definitionJson) is not JsonObject root) return new Graph(new Dictionary<string, GraphNode>(), []);
            var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
            foreach (var node in (root["nodes"] as JsonArray ?? []).OfType<JsonObject>())
                if (node["id"]?.GetValue<string>() is { } id)
                    nodes[id] = new GraphNode(node["type"]?.GetValue<string>() ?? "", node["config"]?.DeepClone());
            var edges = (root["edges"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => $"{e["from"]?.GetValue<string>()} -{e["port"]?.GetValue<string>() ?? "next"}-> {e["to"]?.GetValue<string>()}")
                .ToList();
            return new Graph(nodes, edges);
        }
    }
}
