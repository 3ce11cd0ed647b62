using System.Text.Json.Nodes;

namespace Respond.Server.Tests.GraphQL;

/// <summary>
/// What GraphiQL, graphql-codegen, Apollo, Postman and Insomnia send is answered under the default limits, while
/// abusive operations (introspection or not) are still refused before execution.
/// </summary>
public sealed class IntrospectionTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private static string Query(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "GraphQL", "Introspection", file));

    [Theory]
    [InlineData("introspection.graphql")]
    [InlineData("introspection-input-deprecation.graphql")]
    public async Task StandardIntrospectionQuery_DefaultLimits_AnswersTheWholeSchema(string file)
    {
        var response = await api.GraphQLAsync("viewer", Query(file));

        Assert.Null(response["errors"]);
        Assert.Equal("Query", response.Str("data.__schema.queryType.name"));
        var types = response.At("data.__schema.types").AsArray();
        var query = types.Single(t => t!["name"]!.GetValue<string>() == "Query")!;
        Assert.Contains(query["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "activityCatalog");
        Assert.Contains(types, t => t!["name"]!.GetValue<string>() == "CreateRuleInput" && t["inputFields"]!.AsArray().Count > 0);
    }

    [Fact]
    public async Task InputValueDeprecation_InputFieldsAndArguments_AnswerIsDeprecated()
    {
        var response = await api.GraphQLAsync("viewer", """
            { __type(name: "CreateRuleInput") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } }
              __schema { queryType { fields { name args(includeDeprecated: true) { name isDeprecated } } } } }
            """);

        Assert.Null(response["errors"]);
        Assert.All(response.At("data.__type.inputFields").AsArray(), f => Assert.False(f!["isDeprecated"]!.GetValue<bool>()));
        var rules = response.At("data.__schema.queryType.fields").AsArray().Single(f => f!["name"]!.GetValue<string>() == "rules")!;
        Assert.Contains(rules["args"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "first" && !a["isDeprecated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Introspection_ListNestedInItself_RefusedNamingTheCycle()
    {
        var response = await api.GraphQLAsync("viewer", "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }");

        Assert.Null(response["data"]);
        Assert.Equal("INTROSPECTION_RECURSIVE", response.Str("errors.0.extensions.code"));
        Assert.Contains("'fields' nested inside 'fields'", response.Str("errors.0.message"));
    }

    [Fact]
    public async Task Introspection_AliasBomb_Refused()
    {
        var full = Query("introspection.graphql");
        var fragments = full[full.IndexOf("fragment FullType", StringComparison.Ordinal)..];
        var bomb = "{ " + string.Join(" ", Enumerable.Range(0, 40).Select(i => $"s{i}: __schema {{ types {{ ...FullType }} }}")) + " }\n" + fragments;

        var response = await api.GraphQLAsync("viewer", bomb);

        Assert.Null(response["data"]);
        Assert.Equal("INTROSPECTION_TOO_LARGE", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task ActivityCatalog_FullReadWithEveryBlocksNestedInputs_Allowed()
    {
        const string input = "name type required description allowedValues itemType";
        var response = await api.GraphQLAsync("viewer", $$"""
            { activityCatalog { id category displayName description ports actionType available unavailableReason
                inputs { {{input}} fields { {{input}} fields { {{input}} fields { {{input}} } } } } } }
            """);

        Assert.Null(response["errors"]);
        Assert.NotEmpty(response.At("data.activityCatalog").AsArray());
    }

    [Fact]
    public async Task AliasBomb_OfLargePages_RefusedAsTooComplex()
    {
        var bomb = "{ " + string.Join(" ", Enumerable.Range(0, 50).Select(i => $"r{i}: rules(first: 200) {{ edges {{ node {{ id name organizations {{ id name }} }} }} }}")) + " }";

        var response = await api.GraphQLAsync("viewer", bomb);

        Assert.Null(response["data"]);
        Assert.Contains("complex", response.Str("errors.0.message"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeepNesting_BeyondMaxDepth_Refused()
    {
        var nested = "name";
        for (var i = 0; i < 16; i++) nested = $"name fields {{ {nested} }}";

        var response = await api.GraphQLAsync("viewer", $"{{ activityCatalog {{ inputs {{ {nested} }} }} }}");

        Assert.Null(response["data"]);
        Assert.Contains("too nested", response.Str("errors.0.message"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HugePage_Refused()
    {
        var response = await api.GraphQLAsync("viewer", "{ rules(first: 100000) { edges { node { id } } } }");

        Assert.Null(response["data"]?["rules"]);
        Assert.NotEmpty(response.At("errors").AsArray());
    }
}
