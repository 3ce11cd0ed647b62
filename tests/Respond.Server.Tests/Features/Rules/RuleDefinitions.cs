namespace Respond.Server.Tests.Features.Rules;

/// <summary>Definitions the rule tests send, written as an author would in the designer's JSON export.</summary>
public static class RuleDefinitions
{
    public const string ValidAlertOnly = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"], "minSeverity": "LOW" }, "position": { "x": 0, "y": 0 } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" }, "position": { "x": 250, "y": 0 } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Burst of failed sign-ins for {{user.name}}", "severity": "HIGH", "suppressFor": "PT30M" }, "position": { "x": 500, "y": 0 } }
          ],
          "edges": [
            { "from": "trigger", "to": "burst" },
            { "from": "burst", "to": "alert", "port": "true" }
          ]
        }
        """;

    /// <summary>A threshold with no count and an edge from a port the block does not have.</summary>
    public const string InvalidThreshold = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "window": "PT10M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "x", "severity": "HIGH" } }
          ],
          "edges": [
            { "from": "trigger", "to": "burst" },
            { "from": "burst", "to": "alert", "port": "maybe" }
          ]
        }
        """;

    public const string IocMatch = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["network.connection", "process.started"] } },
            { "id": "bad", "type": "condition.match", "config": { "any": [
              { "field": "dst.ip", "op": "in", "value": ["203.0.113.7", "198.51.100.9"] },
              { "field": "file.sha256", "op": "eq", "value": "44d88612fea8a8f36de82e1278abb02f44d88612fea8a8f36de82e1278abb02f" },
              { "field": "process.name", "op": "eq", "value": "mimikatz.exe" }
            ] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Known bad indicator", "severity": "CRITICAL" } }
          ],
          "edges": [
            { "from": "trigger", "to": "bad" },
            { "from": "bad", "to": "alert", "port": "true" }
          ]
        }
        """;

    public static string WithNodes(int count)
    {
        var nodes = string.Join(",", Enumerable.Range(0, count).Select(i =>
            $$"""{ "id": "n{{i}}", "type": "condition.match", "config": { "all": [ { "field": "user.id", "op": "eq", "value": "u{{i}}" } ] } }"""));
        var edges = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{ "from": "{{(i == 0 ? "trigger" : "n" + (i - 1))}}", "to": "n{{i}}", "port": "{{(i == 0 ? "next" : "true")}}" }"""));
        return $$"""
            { "schemaVersion": 1,
              "nodes": [ { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["x"] } }, {{nodes}} ],
              "edges": [ {{edges}} ] }
            """;
    }
}
