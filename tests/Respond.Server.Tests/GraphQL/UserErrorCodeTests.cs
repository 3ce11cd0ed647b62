using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.GraphQL;

namespace Respond.Server.Tests.GraphQL;

/// <summary>
/// One list of error codes (issue 15, contract): <see cref="UserErrorCode"/> is what code uses, what the schema publishes
/// and what docs/graphql-api.md documents; no code outside it is spelled anywhere in the server.
/// </summary>
public sealed partial class UserErrorCodeTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private static readonly string[] Members = Enum.GetValues<UserErrorCode>().Select(c => c.ToSchemaName()).ToArray();

    [Fact]
    public void SchemaEnum_UserErrorCode_HasExactlyTheMembersOfTheOneList()
    {
        var schema = api.Services.GetRequiredService<ISchema>();

        var published = Assert.IsAssignableFrom<EnumerationGraphType>(schema.AllTypes["UserErrorCode"]);

        Assert.Equal(Members.Order(StringComparer.Ordinal), published.Values.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.All(published.Values, v => Assert.False(string.IsNullOrWhiteSpace(v.Description), $"{v.Name} has no description"));
    }

    [Fact]
    public void SchemaField_UserErrorCode_TypesEveryPayloadErrorCode()
    {
        var schema = api.Services.GetRequiredService<ISchema>();

        var code = ((IComplexGraphType)schema.AllTypes["UserError"]!).GetField("code")!;

        Assert.Equal("UserErrorCode!", code.ResolvedType!.ToString());
    }

    [Fact]
    public void UserErrorCode_EveryMember_HasADescription()
    {
        var undocumented = typeof(UserErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => string.IsNullOrWhiteSpace(f.GetCustomAttribute<DescriptionAttribute>()?.Description))
            .Select(f => f.Name);

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Json_EveryMember_IsSpelledAsInTheSchema()
    {
        foreach (var code in Enum.GetValues<UserErrorCode>())
            Assert.Equal($"\"{code.ToSchemaName()}\"", JsonSerializer.Serialize(code));
    }

    [Fact]
    public void Schema_EveryEnumValue_IsScreamingSnakeCase()
    {
        var schema = api.Services.GetRequiredService<ISchema>();

        var offending = schema.AllTypes.OfType<EnumerationGraphType>()
            .Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(t => t.Values.Where(v => !ScreamingSnake().IsMatch(v.Name)).Select(v => $"{t.Name}.{v.Name}"));

        Assert.Empty(offending);
    }

    /// <summary>A code can only come from the list: UserError takes a member, and a thrown error's code is a member's name.</summary>
    [Fact]
    public void ServerSource_SpellsNoErrorCodeOutsideTheList()
    {
        var server = Path.Combine(RespondServerProcess.RepoRoot(), "server");
        var literals = Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralCode().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"));

        Assert.Empty(literals);
    }

    [Fact]
    public void Docs_ErrorCodesSection_ListsEveryMemberAndNothingElse()
    {
        var markdown = File.ReadAllText(Path.Combine(RespondServerProcess.RepoRoot(), "docs", "graphql-api.md"));
        var section = markdown[markdown.IndexOf("### Error codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", StringComparison.Ordinal)];

        var documented = DocumentedCode().Matches(section).Select(m => m.Groups[1].Value);

        Assert.Equal(Members.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Payload_RefusedMutation_AnswersACodeOfTheSchemaEnum()
    {
        var response = await api.GraphQLAsync("admin", """mutation { closeAlert(input: { id: "alert-none" }) { errors { code } } }""");

        Assert.Equal("NOT_FOUND", response.Str("data.closeAlert.errors.0.code"));
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex ScreamingSnake();

    /// <summary>A code written as a string where the API answers it: an error's Code, a problem's "code", a UserError.</summary>
    [GeneratedRegex("""(\bCode\s*(\?\?)?=\s*"|\["code"\]\s*=\s*"|new UserError\(\s*"|UserError\.At\(\s*")""")]
    private static partial Regex LiteralCode();

    [GeneratedRegex(@"^\| `([A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedCode();
}
