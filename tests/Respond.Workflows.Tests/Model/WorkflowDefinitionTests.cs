using System.Text.Json.Nodes;

namespace Respond.Workflows.Tests.Model;

public sealed class WorkflowDefinitionTests
{
    [Fact]
    public void Parse_ValidDefinition_ReadsNodesEdgesAndConfig()
    {
        var json = RuleJson.Valid();
        json.Node("trigger")["position"] = new JsonObject { ["x"] = 10, ["y"] = 20 };

        var result = WorkflowDefinition.Parse(json.ToElement());

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Definition.Nodes.Count);
        Assert.Equal(new NodePosition(10, 20), result.Definition.Nodes[0].Position);
        Assert.Equal(5, (int)result.Definition.Nodes[1].Config["count"]!);
        Assert.Equal(new WorkflowEdge("burst", "alert", "true"), result.Definition.Edges[1]);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("{ \"schemaVersion\": 1, \"nodes\": {} }")]
    [InlineData("{ \"schemaVersion\": 1, \"nodes\": [], \"edges\": 3 }")]
    public void Parse_MalformedStructure_ReturnsErrorsWithoutThrowing(string json)
    {
        var result = WorkflowDefinition.Parse(RuleJson.Parse(json));

        Assert.NotEmpty(result.Errors);
        Assert.False(result.IsStructurallyUsable);
    }

    [Fact]
    public void Parse_BrokenNodes_KeepsTheReadableOnes()
    {
        var json = RuleJson.Parse("""
            { "schemaVersion": 1,
              "nodes": [ 7, { "id": "a", "type": "flow.delay", "config": "x" }, { "id": "b", "type": "flow.delay" } ],
              "edges": [ { "from": "a" }, { "from": "a", "to": "b", "port": 5 }, { "from": "a", "to": "b" } ] }
            """);

        var result = WorkflowDefinition.Parse(json);

        Assert.Equal(["a", "b"], result.Definition.Nodes.Select(n => n.Id));
        Assert.Single(result.Definition.Edges);
        Assert.Equal(["nodes[0]", "config", "edges[0]", "edges[1].port"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Parse_ConfigWithDuplicateKeys_TakesTheLastWithoutThrowing()
    {
        var json = RuleJson.Parse("""
            { "schemaVersion": 1, "nodes": [ { "id": "a", "type": "flow.delay", "config": { "duration": "PT1M", "duration": "PT2M" } } ] }
            """);

        var result = WorkflowDefinition.Parse(json);

        Assert.Equal("PT2M", (string?)result.Definition.Nodes[0].Config["duration"]);
    }
}
