namespace Respond.Workflows.Tests.Model;

public sealed class DefinitionHashTests
{
    [Fact]
    public void Compute_KeysReorderedAndWhitespaceChanged_GivesSameHash()
    {
        var first = RuleJson.Parse("""{ "schemaVersion": 1, "nodes": [ { "id": "a", "type": "x", "config": { "b": 1, "a": 2 } } ], "edges": [] }""");
        var second = RuleJson.Parse("""{"edges":[],"nodes":[{"config":{"a":2,"b":1},"type":"x","id":"a"}],"schemaVersion":1}""");

        var hashes = (DefinitionHash.Compute(first), DefinitionHash.Compute(second));

        Assert.Equal(hashes.Item1, hashes.Item2);
    }

    [Fact]
    public void Compute_ValueChanged_GivesDifferentHash()
    {
        var first = RuleJson.Parse("""{ "schemaVersion": 1, "nodes": [ { "id": "a", "config": { "count": 5 } } ] }""");
        var second = RuleJson.Parse("""{ "schemaVersion": 1, "nodes": [ { "id": "a", "config": { "count": 6 } } ] }""");

        var hashes = (DefinitionHash.Compute(first), DefinitionHash.Compute(second));

        Assert.NotEqual(hashes.Item1, hashes.Item2);
    }

    [Fact]
    public void Compute_ArrayOrderChanged_GivesDifferentHash()
    {
        var first = RuleJson.Parse("""{ "groupBy": ["user.id", "device.id"] }""");
        var second = RuleJson.Parse("""{ "groupBy": ["device.id", "user.id"] }""");

        var hashes = (DefinitionHash.Compute(first), DefinitionHash.Compute(second));

        Assert.NotEqual(hashes.Item1, hashes.Item2);
    }

    [Fact]
    public void Compute_AnyDefinition_IsLowercaseSha256Hex()
    {
        var definition = RuleJson.Parse("""{ "schemaVersion": 1 }""");

        var hash = DefinitionHash.Compute(definition);

        Assert.Matches("^[0-9a-f]{64}$", hash);
    }
}
