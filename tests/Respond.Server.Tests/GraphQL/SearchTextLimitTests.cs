using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.GraphQL;

namespace Respond.Server.Tests.GraphQL;

/// <summary>Filter and lookup text is bounded by one limit, refused before it runs with an error naming the field.</summary>
public sealed class SearchTextLimitTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private static readonly string Huge = new('a', 100_000);

    private static void AssertRefusedNaming(System.Text.Json.Nodes.JsonObject response, string field)
    {
        Assert.Null(response["data"]);
        var message = response.Str("errors.0.message");
        Assert.Contains(field, message);
        Assert.Contains($"at most {SearchTextLimit.MaxLength}", message);
        Assert.NotEqual("INTERNAL", response.Str("errors.0.extensions.code"));
        Assert.DoesNotContain("SQLite", response.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rules_TextFilterOf100kCharactersInAVariable_RefusedNamingTheField()
    {
        var response = await api.GraphQLAsync("viewer", "query($w: RuleFilterInput) { rules(where: $w) { totalCount } }", new { w = new { text = Huge } });

        AssertRefusedNaming(response, "RuleFilterInput.text");
    }

    [Fact]
    public async Task Rules_TextFilterTooLongAsALiteral_RefusedNamingTheField()
    {
        var response = await api.GraphQLAsync("viewer", $"{{ rules(where: {{ text: \"{new string('b', SearchTextLimit.MaxLength + 1)}\" }}) {{ totalCount }} }}");

        AssertRefusedNaming(response, "RuleFilterInput.text");
    }

    [Fact]
    public async Task Rules_TextFilterAtTheLimit_Runs()
    {
        var response = await api.GraphQLAsync("viewer", "query($w: RuleFilterInput) { rules(where: $w) { totalCount } }",
            new { w = new { text = new string('c', SearchTextLimit.MaxLength) } });

        Assert.Null(response["errors"]);
        Assert.Equal(0, response.At("data.rules.totalCount").GetValue<int>());
    }

    [Fact]
    public async Task AuditTrail_SubjectIdOf100kCharacters_RefusedNamingTheField()
    {
        var response = await api.GraphQLAsync("admin", "query($w: AuditFilterInput) { auditTrail(where: $w) { totalCount } }", new { w = new { subjectId = Huge } });

        AssertRefusedNaming(response, "AuditFilterInput.subjectId");
    }

    [Fact]
    public async Task Rule_IdOf100kCharacters_RefusedNamingTheArgument()
    {
        var response = await api.GraphQLAsync("viewer", "query($id: ID!) { rule(id: $id) { id } }", new { id = Huge });

        AssertRefusedNaming(response, "rule(id)");
    }

    [Fact]
    public void Schema_EveryFilterTextFieldAndLookupId_IsBounded()
    {
        // Enumerated from the schema itself, so a filter added later is covered (or this fails).
        var schema = api.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        static IGraphType? Unwrap(IGraphType? t) => t is NonNullGraphType n ? n.ResolvedType : t;

        var filterFields = schema.AllTypes.OfType<IInputObjectGraphType>().Where(t => t.Name.EndsWith("FilterInput", StringComparison.Ordinal))
            .SelectMany(t => t.Fields.Where(f => Unwrap(f.ResolvedType) is StringGraphType or IdGraphType).Select(f => (Name: $"{t.Name}.{f.Name}", f.Validator)))
            .ToList();
        var lookups = new[] { schema.Query, schema.Subscription! }
            .SelectMany(t => t.Fields.SelectMany(f => (f.Arguments ?? []).Where(a => Unwrap(a.ResolvedType) is IdGraphType)
                .Select(a => (Name: $"{f.Name}({a.Name})", a.Validator))))
            .ToList();

        Assert.Contains(filterFields, f => f.Name == "RuleFilterInput.text");
        Assert.Contains(filterFields, f => f.Name == "RuleExecutionFilterInput.eventId");
        Assert.Contains(lookups, l => l.Name == "alert(id)");
        Assert.Empty(filterFields.Concat(lookups).Where(f => f.Validator is null).Select(f => f.Name));
    }
}
