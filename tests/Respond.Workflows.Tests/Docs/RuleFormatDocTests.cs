using System.Text.RegularExpressions;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Tests.Docs;

public sealed class RuleFormatDocTests
{
    [Fact]
    public void Docs_RuleFormatExamples_AreValidAutomaticRules()
    {
        var markdown = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "docs", "rule-format.md"));
        var examples = Regex.Matches(markdown, "```json\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

        var errors = examples.SelectMany(json => DefinitionValidator.Validate(RuleJson.Parse(json), RuleOutcome.Automatic)).ToList();

        Assert.Equal(3, examples.Count);
        Assert.Empty(errors);
    }
}
