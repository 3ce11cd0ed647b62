using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Workflows;

/// <summary>The rule definition JSON (docs/rule-format.md) as a model: nodes (blocks) and the edges between their ports.</summary>
public sealed record WorkflowDefinition(int SchemaVersion, IReadOnlyList<WorkflowNode> Nodes, IReadOnlyList<WorkflowEdge> Edges)
{
    public const int CurrentSchemaVersion = 1;
    public const int MaxNodes = 500;
    public const int MaxEdges = 2000;

    /// <summary>
    /// Reads a definition best effort and never throws: drafts are saved with their errors, so a broken
    /// definition still yields whatever nodes and edges could be read, plus the structural errors.
    /// </summary>
    public static DefinitionParseResult Parse(JsonElement json) => DefinitionReader.Read(json);
}

/// <summary>One block instance in a definition.</summary>
/// <remarks>
/// <para><c>Type</c>: A block id from the catalog, e.g. <c>condition.threshold</c>.</para>
/// </remarks>
public sealed record WorkflowNode(string Id, string Type, JsonObject Config, NodePosition? Position);

/// <summary>Where the designer draws a node; meaningless to the runtime.</summary>
public sealed record NodePosition(double X, double Y);

/// <summary>A connection from an output port of <paramref name="From"/> to <paramref name="To"/>.</summary>
/// <remarks>
/// <para><c>Port</c>: The source's output port; may be omitted when the source has exactly one port.</para>
/// </remarks>
public sealed record WorkflowEdge(string From, string To, string? Port);

/// <summary>The outcome of <see cref="WorkflowDefinition.Parse"/>.</summary>
/// <remarks>
/// <para><c>IsStructurallyUsable</c>: False when the shape is so broken (not an object, no nodes, over the limits) that graph checks make no sense.</para>
/// </remarks>
public sealed record DefinitionParseResult(WorkflowDefinition Definition, IReadOnlyList<ValidationError> Errors, bool IsStructurallyUsable);
