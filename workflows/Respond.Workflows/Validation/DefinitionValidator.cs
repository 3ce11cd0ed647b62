using System.Text.Json;
using Respond.Workflows.Activities;

namespace Respond.Workflows.Validation;

/// <summary>
/// Checks a rule definition against the graph rules, the block configs and the rule's outcome (docs/rule-format.md).
/// Every walk is iterative, so a deep chain cannot exhaust the stack.
/// </summary>
public static class DefinitionValidator
{
    public static IReadOnlyList<ValidationError> Validate(JsonElement definition, RuleOutcome outcome)
    {
        var parsed = WorkflowDefinition.Parse(definition);
        var errors = new List<ValidationError>(parsed.Errors);
        if (!parsed.IsStructurallyUsable)
        {
            return errors;
        }
        Validate(parsed.Definition, outcome, errors);
        return errors;
    }

    /// <summary>Validates an already parsed definition, appending to <paramref name="errors"/>.</summary>
    public static void Validate(WorkflowDefinition definition, RuleOutcome outcome, List<ValidationError> errors)
    {
        if (definition.SchemaVersion != WorkflowDefinition.CurrentSchemaVersion && errors.All(e => e.Field != "schemaVersion"))
        {
            errors.Add(new(null, "schemaVersion",
                $"schemaVersion {definition.SchemaVersion} is not supported; this server reads schemaVersion {WorkflowDefinition.CurrentSchemaVersion}."));
        }

        var graph = BuildGraph(definition, errors);
        var trigger = CheckTriggers(definition, graph, errors);
        if (trigger is not null)
        {
            CheckReachable(definition, graph, trigger, errors);
        }
        CheckAcyclic(definition, graph, errors);
        CheckConfigs(definition, graph, errors);
        CheckOutcome(definition, graph, trigger, outcome, errors);
    }

    private sealed record Graph(
        Dictionary<string, WorkflowNode> Nodes,
        Dictionary<string, Block> Blocks,
        Dictionary<string, List<(int EdgeIndex, WorkflowEdge Edge)>> Outgoing);

    private static Graph BuildGraph(WorkflowDefinition definition, List<ValidationError> errors)
    {
        var nodes = new Dictionary<string, WorkflowNode>(StringComparer.Ordinal);
        var blocks = new Dictionary<string, Block>(StringComparer.Ordinal);
        var outgoing = new Dictionary<string, List<(int, WorkflowEdge)>>(StringComparer.Ordinal);
        foreach (var node in definition.Nodes)
        {
            nodes.TryAdd(node.Id, node);
            outgoing[node.Id] = [];
            if (BlockCatalog.FindBlock(node.Type) is { } block)
            {
                blocks[node.Id] = block;
            }
            else
            {
                errors.Add(new(node.Id, "type", $"Node '{node.Id}' has unknown block type '{node.Type}'; see docs/blocks.md for the catalog."));
            }
        }

        for (var i = 0; i < definition.Edges.Count; i++)
        {
            var edge = definition.Edges[i];
            var at = $"edges[{i}]";
            var fromExists = nodes.ContainsKey(edge.From);
            var toExists = nodes.ContainsKey(edge.To);
            if (!fromExists)
            {
                errors.Add(new(null, at + ".from", $"Edge {i} starts at node '{edge.From}', which does not exist."));
            }
            if (!toExists)
            {
                errors.Add(new(fromExists ? edge.From : null, at + ".to", $"Edge {i} leads to node '{edge.To}', which does not exist."));
            }
            if (!fromExists || !toExists)
            {
                continue;
            }
            if (blocks.TryGetValue(edge.To, out var target) && target.Descriptor.Category == BlockCategory.Trigger)
            {
                errors.Add(new(edge.To, at + ".to", $"Edge {i} leads into trigger '{edge.To}'; nothing can lead into a trigger."));
            }
            if (blocks.TryGetValue(edge.From, out var source) && !HasPort(source.Descriptor, edge, i, errors))
            {
                continue;
            }
            outgoing[edge.From].Add((i, edge));
        }
        return new Graph(nodes, blocks, outgoing);
    }

    private static bool HasPort(BlockDescriptor source, WorkflowEdge edge, int index, List<ValidationError> errors)
    {
        var ports = source.Ports;
        if (edge.Port is null)
        {
            if (ports.Count == 1)
            {
                return true;
            }
            errors.Add(new(edge.From, $"edges[{index}].port",
                $"Edge {index} from '{edge.From}' needs a 'port' because {source.Id} has several: {string.Join(", ", ports)}."));
            return false;
        }
        if (ports.Contains(edge.Port))
        {
            return true;
        }
        errors.Add(new(edge.From, $"edges[{index}].port",
            $"Edge {index} uses port '{edge.Port}', which {source.Id} does not have; its ports are {string.Join(", ", ports)}."));
        return false;
    }

    private static string? CheckTriggers(WorkflowDefinition definition, Graph graph, List<ValidationError> errors)
    {
        var triggers = definition.Nodes
            .Where(node => graph.Nodes[node.Id] == node && (graph.Blocks.TryGetValue(node.Id, out var block)
                ? block.Descriptor.Category == BlockCategory.Trigger
                : node.Type.StartsWith("trigger.", StringComparison.Ordinal)))
            .Select(node => node.Id)
            .ToList();
        if (triggers.Count == 0)
        {
            errors.Add(new(null, "nodes", "A rule needs exactly one trigger (trigger.event or trigger.schedule); this one has none."));
            return null;
        }
        foreach (var extra in triggers.Skip(1))
        {
            errors.Add(new(extra, "type",
                $"A rule has exactly one trigger, but '{extra}' is another one besides '{triggers[0]}'; remove it or make a second rule."));
        }
        return triggers.Count == 1 ? triggers[0] : null;
    }

    private static void CheckReachable(WorkflowDefinition definition, Graph graph, string trigger, List<ValidationError> errors)
    {
        var reached = Walk(graph, trigger, _ => true);
        foreach (var node in definition.Nodes)
        {
            if (!reached.Contains(node.Id))
            {
                errors.Add(new(node.Id, null, $"Node '{node.Id}' cannot be reached from the trigger '{trigger}'; connect it or remove it."));
            }
        }
    }

    /// <summary>Breadth-first walk from <paramref name="start"/>; <paramref name="follow"/> decides which edges to take.</summary>
    private static HashSet<string> Walk(Graph graph, string start, Func<WorkflowEdge, bool> follow)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.TryDequeue(out var current))
        {
            foreach (var (_, edge) in graph.Outgoing[current])
            {
                if (follow(edge) && reached.Add(edge.To))
                {
                    queue.Enqueue(edge.To);
                }
            }
        }
        return reached;
    }

    private static void CheckAcyclic(WorkflowDefinition definition, Graph graph, List<ValidationError> errors)
    {
        // Iterative depth-first search; a node on the current path ("open") reached again closes a cycle.
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var openIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<(string Node, int NextEdge)>();
        foreach (var root in definition.Nodes)
        {
            if (finished.Contains(root.Id) || openIndex.ContainsKey(root.Id))
            {
                continue;
            }
            path.Add((root.Id, 0));
            openIndex[root.Id] = 0;
            while (path.Count > 0)
            {
                var (node, next) = path[^1];
                var edges = graph.Outgoing[node];
                if (next == edges.Count)
                {
                    path.RemoveAt(path.Count - 1);
                    openIndex.Remove(node);
                    finished.Add(node);
                    continue;
                }
                path[^1] = (node, next + 1);
                var (edgeIndex, edge) = edges[next];
                if (openIndex.TryGetValue(edge.To, out var start))
                {
                    var cycle = path.Skip(start).Select(step => step.Node).Append(edge.To);
                    errors.Add(new(edge.From, $"edges[{edgeIndex}]",
                        $"Edge {edgeIndex} from '{edge.From}' to '{edge.To}' closes a cycle ({string.Join(" → ", cycle)}); rules must not loop."));
                }
                else if (!finished.Contains(edge.To))
                {
                    openIndex[edge.To] = path.Count;
                    path.Add((edge.To, 0));
                }
            }
        }
    }

    private static void CheckConfigs(WorkflowDefinition definition, Graph graph, List<ValidationError> errors)
    {
        foreach (var node in definition.Nodes)
        {
            if (graph.Nodes[node.Id] != node || !graph.Blocks.TryGetValue(node.Id, out var block))
            {
                continue;
            }
            var context = new ValidationContext(node.Id, block.Descriptor.Id);
            ConfigSchema.Validate(block.Descriptor.Config, node.Config, context);
            block.ValidateConfig(node.Config, context);
            errors.AddRange(context.Errors);
        }
    }

    private static void CheckOutcome(WorkflowDefinition definition, Graph graph, string? trigger, RuleOutcome outcome, List<ValidationError> errors)
    {
        bool IsAction(string id) => graph.Blocks.TryGetValue(id, out var block) && block.Descriptor.Category == BlockCategory.Action;
        bool IsGate(string id) => graph.Blocks.TryGetValue(id, out var block) && block.Descriptor.Id == "gate.approval";

        switch (outcome)
        {
            case RuleOutcome.AlertOnly:
                foreach (var node in definition.Nodes.Where(node => IsAction(node.Id)))
                {
                    errors.Add(new(node.Id, "type",
                        $"An ALERT_ONLY rule runs no response actions; remove '{node.Id}' ({node.Type}) or choose MANUAL_APPROVAL or AUTOMATIC."));
                }
                break;
            case RuleOutcome.ManualApproval:
                if (!definition.Nodes.Any(node => IsGate(node.Id)))
                {
                    errors.Add(new(null, "nodes", "A MANUAL_APPROVAL rule needs a gate.approval block before its actions."));
                }
                if (trigger is null)
                {
                    break;
                }
                // Only a gate's 'approved' port releases actions: 'rejected' and 'expired' mean nobody approved.
                var ungated = Walk(graph, trigger, edge => !IsGate(edge.From) || edge.Port != BlockPorts.Approved);
                foreach (var node in definition.Nodes.Where(node => ungated.Contains(node.Id) && IsAction(node.Id)))
                {
                    errors.Add(new(node.Id, null,
                        $"In a MANUAL_APPROVAL rule every action needs approval, but '{node.Id}' ({node.Type}) can run without passing the 'approved' port of a gate.approval."));
                }
                break;
        }
    }
}
