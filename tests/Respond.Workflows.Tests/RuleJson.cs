using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Workflows.Tests;

/// <summary>Builds rule definitions for tests: a known-valid rule that each test breaks in exactly one way.</summary>
internal static class RuleJson
{
    /// <summary>trigger → condition.threshold → alert.create → gate.approval → action.blockSignIn; valid for every outcome but ALERT_ONLY.</summary>
    public static JsonObject Valid() => (JsonObject)JsonNode.Parse("""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"], "minSeverity": "LOW" } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Burst for {{user.name}}", "severity": "HIGH" } },
            { "id": "gate", "type": "gate.approval", "config": { "timeout": "PT1H" } },
            { "id": "block", "type": "action.blockSignIn", "config": {} }
          ],
          "edges": [
            { "from": "trigger", "to": "burst" },
            { "from": "burst", "to": "alert", "port": "true" },
            { "from": "alert", "to": "gate" },
            { "from": "gate", "to": "block", "port": "approved" }
          ]
        }
        """)!;

    /// <summary>trigger → condition.match (single condition given) → alert.create; valid for ALERT_ONLY.</summary>
    public static JsonObject WithMatch(string conditionJson) => Chain(
        ("trigger", "trigger.event", """{ "eventTypes": ["network.connection"] }"""),
        ("match", "condition.match", $$"""{ "all": [ {{conditionJson}} ] }"""),
        ("alert", "alert.create", """{ "title": "Hit", "severity": "HIGH" }"""));

    /// <summary>trigger → (block under test) → alert.create, with the block's config given.</summary>
    public static JsonObject WithBlock(string type, string configJson, string port = "true") => Chain(
        ("trigger", "trigger.event", """{ "eventTypes": ["signin.failed"] }"""),
        ("subject", type, configJson),
        ("alert", "alert.create", """{ "title": "Hit", "severity": "HIGH" }"""),
        port);

    private static JsonObject Chain((string Id, string Type, string Config) a, (string Id, string Type, string Config) b,
        (string Id, string Type, string Config) c, string middlePort = "true")
    {
        var nodes = new JsonArray();
        foreach (var (id, type, config) in new[] { a, b, c })
        {
            nodes.Add(new JsonObject { ["id"] = id, ["type"] = type, ["config"] = JsonNode.Parse(config) });
        }
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["nodes"] = nodes,
            ["edges"] = new JsonArray(
                new JsonObject { ["from"] = a.Id, ["to"] = b.Id },
                new JsonObject { ["from"] = b.Id, ["to"] = c.Id, ["port"] = middlePort }),
        };
    }

    public static JsonArray Nodes(this JsonObject definition) => (JsonArray)definition["nodes"]!;

    public static JsonArray Edges(this JsonObject definition) => (JsonArray)definition["edges"]!;

    public static JsonObject Node(this JsonObject definition, string id) =>
        definition.Nodes().OfType<JsonObject>().Single(node => (string?)node["id"] == id);

    public static JsonElement ToElement(this JsonNode node) => JsonSerializer.SerializeToElement(node);

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
