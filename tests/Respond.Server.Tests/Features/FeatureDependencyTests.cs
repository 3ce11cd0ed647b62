using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Respond.Server.Tests.Features;

/// <summary>
/// Feature folders may depend on each other only one way. The graph is read from the compiled server assembly (signatures,
/// attributes and every type, method and field the IL touches), so a dependency hidden in a method body counts too.
/// </summary>
public sealed class FeatureDependencyTests
{
    private const string FeaturesPrefix = "Respond.Server.Features.";

    /// <summary>
    /// The wrong-way dependencies that still close cycles between the feature folders around Actions (the engine is out
    /// of every cycle). Each is to be cut with a port owned by the consumer, as Actions.IActionWaiters was; the test
    /// below fails on any other cycle, and the one after it when an entry here is gone, so this list only shrinks.
    /// </summary>
    private static readonly string[] DependenciesStillToCut =
    [
        "Approvals->Actions", // DecideApproval moves the actions waiting on a request
        "Approvals->Rules", // ApprovalExplanation reads the rule of a request (with Rules->Approvals' IRuleActivationDecision)
        "Audit->Actions", // the audit query follows an alert to its actions
        "Organizations->Settings", // the Organization type shows its Respond settings
        "Rules->Actions", // change control holds a rule's actions for approval
    ];

    [Fact]
    public void FeatureNamespaces_DependOnEachOtherOneWayOnly()
    {
        var (graph, evidence) = FeatureGraph.Read(typeof(Program).Assembly.Location);
        foreach (var edge in DependenciesStillToCut) graph[edge.Split("->")[0]].Remove(edge.Split("->")[1]);

        var cycles = FeatureGraph.Cycles(graph);

        Assert.True(cycles.Count == 0, "Feature namespaces in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(" -> ", c) + "\n  all dependencies inside this group: " + string.Join(", ", FeatureGraph.EdgesWithin(graph, c).Select(e => $"{e} ({evidence[e]})")))));
    }

    [Fact]
    public void DependenciesStillToCut_AreAllStillThere()
    {
        var (graph, _) = FeatureGraph.Read(typeof(Program).Assembly.Location);

        var gone = DependenciesStillToCut.Where(edge => !graph[edge.Split("->")[0]].Contains(edge.Split("->")[1])).ToList();

        Assert.True(gone.Count == 0, "Cut already, take them off DependenciesStillToCut: " + string.Join(", ", gone));
    }

    [Fact]
    public void Cycles_TwoFoldersReferencingEachOtherThroughAThird_AreNamedInOrder()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["Actions"] = ["Engine"],
            ["Engine"] = ["Rules"],
            ["Rules"] = ["Actions", "Audit"],
            ["Audit"] = [],
        };

        var cycles = FeatureGraph.Cycles(graph);

        Assert.Equal(["Actions -> Engine -> Rules -> Actions"], cycles.Select(c => string.Join(" -> ", c)));
    }

    private static class FeatureGraph
    {
        /// <summary>The folder graph, and for each dependency one pair of types that makes it ("RuleStore uses RuleIndex").</summary>
        public static (Dictionary<string, HashSet<string>> Graph, Dictionary<string, string> Evidence) Read(string assemblyPath)
        {
            using var module = ModuleDefinition.ReadModule(assemblyPath);
            var graph = new Dictionary<string, HashSet<string>>();
            var evidence = new Dictionary<string, string>();
            foreach (var type in module.GetTypes())
            {
                if (Feature(type) is not { } from) continue;
                var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
                foreach (var used in Referenced(type))
                    if (Feature(used) is { } to && to != from && edges.Add(to)) evidence[from + "->" + to] = $"{Outermost(type).Name} uses {Outermost(used).Name}";
            }
            return (graph, evidence);
        }

        /// <summary>Every cycle between folders, one per strongly connected group, as a walk that starts and ends at its first folder.</summary>
        public static List<List<string>> Cycles(IReadOnlyDictionary<string, HashSet<string>> graph)
        {
            var cycles = new List<List<string>>();
            foreach (var group in StronglyConnected(graph).Where(g => g.Count > 1))
            {
                var start = group.Min(StringComparer.Ordinal)!;
                cycles.Add(ShortestWalkBack(graph, start, group.ToHashSet()));
            }
            return cycles.OrderBy(c => c[0], StringComparer.Ordinal).ToList();
        }

        /// <summary>The dependencies between the folders of the group a cycle belongs to: what to cut to break it.</summary>
        public static IEnumerable<string> EdgesWithin(IReadOnlyDictionary<string, HashSet<string>> graph, List<string> cycle)
        {
            var group = StronglyConnected(graph).Single(g => g.Contains(cycle[0])).ToHashSet();
            return group.Order(StringComparer.Ordinal).SelectMany(from => graph[from].Where(group.Contains).Order(StringComparer.Ordinal).Select(to => from + "->" + to));
        }

        private static List<string> ShortestWalkBack(IReadOnlyDictionary<string, HashSet<string>> graph, string start, HashSet<string> group)
        {
            var previous = new Dictionary<string, string>();
            var queue = new Queue<string>([start]);
            while (queue.Count > 0)
            {
                var at = queue.Dequeue();
                foreach (var next in graph[at].Where(group.Contains).Order(StringComparer.Ordinal))
                {
                    if (next == start)
                    {
                        var walk = new List<string> { start };
                        for (var step = at; step != start; step = previous[step]) walk.Insert(1, step);
                        walk.Add(start);
                        return walk;
                    }
                    if (previous.TryAdd(next, at)) queue.Enqueue(next);
                }
            }
            throw new InvalidOperationException("A strongly connected group always leads back to its start.");
        }

        private static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, HashSet<string>> graph)
        {
            var index = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var groups = new List<List<string>>();
            void Visit(string node)
            {
                index[node] = low[node] = index.Count;
                stack.Push(node);
                foreach (var next in graph.TryGetValue(node, out var edges) ? edges : [])
                {
                    if (!index.ContainsKey(next)) { Visit(next); low[node] = Math.Min(low[node], low[next]); }
                    else if (stack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
                }
                if (low[node] != index[node]) return;
                var group = new List<string>();
                string member;
                do { member = stack.Pop(); group.Add(member); } while (member != node);
                groups.Add(group);
            }
            foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
                if (!index.ContainsKey(node)) Visit(node);
            return groups;
        }

        private static TypeReference Outermost(TypeReference type)
        {
            while (type.IsNested) type = type.DeclaringType;
            return type;
        }

        private static string? Feature(TypeReference? type)
        {
            while (type is { IsNested: true }) type = type.DeclaringType;
            if (type is null || !type.Namespace.StartsWith(FeaturesPrefix, StringComparison.Ordinal)) return null;
            var rest = type.Namespace[FeaturesPrefix.Length..];
            var dot = rest.IndexOf('.');
            return dot < 0 ? rest : rest[..dot];
        }

        private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
        {
            if (type.BaseType is { } b) foreach (var t in Unwrap(b)) yield return t;
            foreach (var i in type.Interfaces) foreach (var t in Unwrap(i.InterfaceType)) yield return t;
            foreach (var t in Attributes(type.CustomAttributes)) yield return t;
            foreach (var f in type.Fields) foreach (var t in Unwrap(f.FieldType)) yield return t;
            foreach (var p in type.Properties) foreach (var t in Unwrap(p.PropertyType)) yield return t;
            foreach (var m in type.Methods)
            {
                foreach (var t in Unwrap(m.ReturnType)) yield return t;
                foreach (var p in m.Parameters) foreach (var t in Unwrap(p.ParameterType)) yield return t;
                foreach (var t in Attributes(m.CustomAttributes)) yield return t;
                if (!m.HasBody) continue;
                foreach (var v in m.Body.Variables) foreach (var t in Unwrap(v.VariableType)) yield return t;
                foreach (var instruction in m.Body.Instructions)
                    foreach (var t in Operand(instruction)) yield return t;
            }
        }

        private static IEnumerable<TypeReference> Operand(Instruction instruction) => instruction.Operand switch
        {
            TypeReference t => Unwrap(t),
            MethodReference m => Unwrap(m.DeclaringType).Concat(Unwrap(m.ReturnType))
                .Concat(m.Parameters.SelectMany(p => Unwrap(p.ParameterType)))
                .Concat(m is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Unwrap) : []),
            FieldReference f => Unwrap(f.DeclaringType).Concat(Unwrap(f.FieldType)),
            _ => [],
        };

        private static IEnumerable<TypeReference> Attributes(IEnumerable<CustomAttribute> attributes) =>
            attributes.SelectMany(a => Unwrap(a.AttributeType));

        private static IEnumerable<TypeReference> Unwrap(TypeReference type)
        {
            switch (type)
            {
                case GenericInstanceType g:
                    foreach (var t in Unwrap(g.ElementType)) yield return t;
                    foreach (var t in g.GenericArguments.SelectMany(Unwrap)) yield return t;
                    break;
                case TypeSpecification s:
                    foreach (var t in Unwrap(s.ElementType)) yield return t;
                    break;
                case GenericParameter:
                    break;
                default:
                    yield return type;
                    break;
            }
        }
    }
}
