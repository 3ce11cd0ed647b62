namespace Respond.Server.Tests.GraphQL;

public sealed class GraphQLLimitsTests
{
    [Fact]
    public async Task Post_OverComplexQuery_RefusedBeforeExecution()
    {
        await using var api = new RespondApiFixture().With("Respond:GraphQL:MaxComplexity", "50");
        var wide = "{ " + string.Join(" ", Enumerable.Range(0, 60).Select(i => $"a{i}: viewer {{ id }}")) + " }";

        var response = await api.GraphQLAsync("viewer", wide);

        Assert.Null(response["data"]);
        Assert.Contains("complexity", response.Str("errors.0.message"), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(response.Str("errors.0.extensions.code")));
    }
}
