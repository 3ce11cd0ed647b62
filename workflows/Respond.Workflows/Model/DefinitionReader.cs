using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Workflows;

/// <summary>Turns definition JSON into <see cref="WorkflowDefinition"/>, collecting structural errors instead of throwing.</summary>
internal static class DefinitionReader
{
    public static DefinitionParseResult Read(JsonElement json)
    {
        var errors = new List<ValidationError>();
        var nodes = new List<WorkflowNode>();
        var edges = new List<WorkflowEdge>();
        var schemaVersion = 0;

        DefinitionParseResult Result(bool usable) =>
            new(new WorkflowDefinition(schemaVersion, nodes, edges), errors, usable);

        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(null, null, $"A rule definition must be a JSON object, not {Describe(json.ValueKind)}."));
            return Result(false);
        }

        if (!json.TryGetProperty("schemaVersion", out var version))
        {
            errors.Add(new(null, "schemaVersion", "The definition needs 'schemaVersion' (currently 1)."));
        }
        else if (!version.TryGetInt32(out schemaVersion))
        {
            errors.Add(new(null, "schemaVersion", "'schemaVersion' must be a whole number (currently 1)."));
        }

        var usable = true;
        if (!json.TryGetProperty("nodes", out var nodesJson) || nodesJson.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(null, "nodes", "The definition needs a 'nodes' array."));
            return Result(false);
        }
        else if (nodesJson.GetArrayLength() > WorkflowDefinition.MaxNodes)
        {
            // One error, and no per-node work: a huge definition must be refused cheaply.
            errors.Add(new(null, "nodes",
                $"A rule can have at most {WorkflowDefinition.MaxNodes} nodes; this one has {nodesJson.GetArrayLength()}."));
            // Stop here: the edges of such a definition are most likely over the limit too, and one clear error is enough.
            return Result(false);
        }

        JsonElement edgesJson = default;
        var hasEdges = json.TryGetProperty("edges", out edgesJson);
        if (hasEdges && edgesJson.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(null, "edges", "'edges' must be an array."));
            usable = false;
            hasEdges = false;
        }
        else if (hasEdges && edgesJson.GetArrayLength() > WorkflowDefinition.MaxEdges)
        {
            errors.Add(new(null, "edges",
                $"A rule can have at most {WorkflowDefinition.MaxEdges} edges; this one has {edgesJson.GetArrayLength()}."));
            usable = false;
        }

        if (!usable)
        {
            return Result(false);
        }

        ReadNodes(nodesJson, nodes, errors);
        if (hasEdges)
        {
            ReadEdges(edgesJson, edges, errors);
        }
        return Result(true);
    }

    private static void ReadNodes(JsonElement array, List<WorkflowNode> nodes, List<ValidationError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = -1;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var at = $"nodes[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(null, at, $"Node {index} must be an object with 'id', 'type' and 'config'."));
                continue;
            }
            var id = ReadString(item, "id");
            if (id is null)
            {
                errors.Add(new(null, $"{at}.id", $"Node {index} needs a non-empty string 'id'."));
                continue;
            }
            var type = ReadString(item, "type");
            if (type is null)
            {
                errors.Add(new(id, "type", $"Node '{id}' needs a non-empty string 'type' (a block id such as 'condition.match')."));
                continue;
            }
            if (!seen.Add(id))
            {
                errors.Add(new(id, "id", $"Node id '{id}' is used more than once; node ids must be unique."));
                continue;
            }

            var config = new JsonObject();
            if (item.TryGetProperty("config", out var configJson) && configJson.ValueKind != JsonValueKind.Null)
            {
                if (configJson.ValueKind == JsonValueKind.Object)
                {
                    config = (JsonObject)ToNode(configJson)!;
                }
                else
                {
                    errors.Add(new(id, "config", $"Node '{id}' has a 'config' that is not an object."));
                }
            }

            NodePosition? position = null;
            if (item.TryGetProperty("position", out var positionJson) && positionJson.ValueKind == JsonValueKind.Object
                && positionJson.TryGetProperty("x", out var x) && x.ValueKind == JsonValueKind.Number
                && positionJson.TryGetProperty("y", out var y) && y.ValueKind == JsonValueKind.Number)
            {
                position = new NodePosition(x.GetDouble(), y.GetDouble());
            }

            nodes.Add(new WorkflowNode(id, type, config, position));
        }
    }

    private static void ReadEdges(JsonElement array, List<WorkflowEdge> edges, List<ValidationError> errors)
    {
        var index = -1;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var at = $"edges[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(null, at, $"Edge {index} must be an object with 'from' and 'to'."));
                continue;
            }
            var from = ReadString(item, "from");
            var to = ReadString(item, "to");
            if (from is null || to is null)
            {
                errors.Add(new(from, at, $"Edge {index} needs string 'from' and 'to' node ids."));
                continue;
            }
            string? port = null;
            if (item.TryGetProperty("port", out var portJson) && portJson.ValueKind != JsonValueKind.Null)
            {
                if (portJson.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(portJson.GetString()))
                {
                    errors.Add(new(from, $"{at}.port", $"Edge {index} has a 'port' that is not a non-empty string."));
                    continue;
                }
                port = portJson.GetString();
            }
            edges.Add(new WorkflowEdge(from, to, port));
        }
    }

    private static string? ReadString(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    /// <summary>
    /// Copies into nodes that do not reference the caller's JsonDocument (which may be disposed later);
    /// on duplicate keys the last one wins, as in most JSON readers, instead of JsonObject's exception.
    /// </summary>
    internal static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value);
                }
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }
                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Number:
                // A cloned element owns its bytes and converts to any numeric type the reader asks for ((int), (double), ...).
                return JsonValue.Create(element.Clone());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Undefined => "nothing",
        _ => "an object",
    };
}
