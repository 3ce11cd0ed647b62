using System.Text.Json.Nodes;
using Respond.Workflows.Activities;

namespace Respond.Workflows.Runtime;

/// <summary>One node of a compiled rule: its block, its parsed config and its outgoing edges by port.</summary>
public sealed class CompiledNode
{
    private static readonly string[] None = [];
    private readonly Dictionary<string, string[]> next;
    private readonly object? compiled;

    internal CompiledNode(WorkflowNode node, Block block, object? compiled, Dictionary<string, string[]> next)
    {
        Id = node.Id;
        Type = node.Type;
        Config = node.Config;
        Block = block;
        this.compiled = compiled;
        this.next = next;
        OnlyNext = next.Values.Sum(to => to.Length) == 1 ? next.Values.First(to => to.Length == 1)[0] : null;
    }

    /// <summary>The one node this node leads to, when it has exactly one outgoing edge (from whichever port); else null.</summary>
    internal string? OnlyNext { get; }

    public string Id { get; }

    public string Type { get; }

    public Block Block { get; }

    /// <summary>The raw config; blocks read <see cref="Compiled{T}"/> instead when running.</summary>
    public JsonObject Config { get; }

    /// <summary>What <see cref="Block.Compile"/> produced for this node.</summary>
    public T Compiled<T>() where T : class =>
        compiled as T ?? throw new InvalidOperationException($"Node '{Id}' ({Type}) was not compiled to {typeof(T).Name}.");

    /// <summary>The nodes an edge leads to from <paramref name="port"/>, in the definition's edge order.</summary>
    public IReadOnlyList<string> Next(string port) => next.GetValueOrDefault(port) ?? None;
}
