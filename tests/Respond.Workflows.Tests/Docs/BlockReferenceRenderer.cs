using System.Text;
using Respond.Workflows.Activities;

namespace Respond.Workflows.Tests.Docs;

/// <summary>Renders docs/blocks.md from the catalog, so the reference cannot drift from the code.</summary>
internal static class BlockReferenceRenderer
{
    public static string Render(IReadOnlyList<BlockDescriptor> blocks)
    {
        var text = new StringBuilder();
        text.Append("""
            # Block reference

            <!-- Generated from BlockCatalog by tests/Respond.Workflows.Tests/Docs/BlockReferenceDocTests.cs.
                 Do not edit by hand: run `RESPOND_UPDATE_DOCS=1 dotnet test tests/Respond.Workflows.Tests`. -->

            Every block a rule definition may use (see [rule-format.md](rule-format.md) for the format).
            Config keys marked *required* must be present; other keys are optional, and unknown keys are kept.


            """);
        foreach (var category in Enum.GetValues<BlockCategory>())
        {
            var inCategory = blocks.Where(b => b.Category == category).ToList();
            if (inCategory.Count == 0)
            {
                continue;
            }
            text.Append("## ").Append(category).Append("s\n\n");
            foreach (var block in inCategory)
            {
                text.Append("### `").Append(block.Id).Append("`: ").Append(block.DisplayName).Append("\n\n");
                text.Append(block.Description).Append("\n\n");
                text.Append("Output ports: ").Append(string.Join(", ", block.Ports.Select(p => $"`{p}`"))).Append("\n\n");
                if (block.ActionType is { } type)
                {
                    text.Append("API action type: `").Append(ApiEnumName.Format(type)).Append("`; destructive by default: ")
                        .Append(ResponseActionTypes.Get(type).DestructiveByDefault ? "yes" : "no").Append(".\n\n");
                }
                if (block.Config.Count == 0)
                {
                    text.Append("No config.\n\n");
                    continue;
                }
                text.Append("| config key | type | required | description |\n| --- | --- | --- | --- |\n");
                AppendFields(text, block.Config, "");
                text.Append('\n');
            }
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void AppendFields(StringBuilder text, IReadOnlyList<ConfigField> fields, string prefix)
    {
        foreach (var field in fields)
        {
            var path = prefix + field.Name;
            text.Append("| `").Append(path).Append("` | ").Append(TypeName(field)).Append(" | ")
                .Append(field.Required ? "required" : "").Append(" | ").Append(Escape(field.Description));
            if (field.AllowedValues is { } allowed)
            {
                text.Append(" One of: ").Append(string.Join(", ", allowed.Select(v => $"`{v}`"))).Append('.');
            }
            text.Append(" |\n");
            if (field.Fields is { } nested)
            {
                var nestedPrefix = field.Type is ConfigFieldType.Array or ConfigFieldType.Conditions ? path + "[]." : path + ".";
                AppendFields(text, nested, nestedPrefix);
            }
        }
    }

    private static string TypeName(ConfigField field) => field.Type switch
    {
        ConfigFieldType.Array when field.ItemType is { } item => $"{item.ToString().ToLowerInvariant()}[]",
        ConfigFieldType.Conditions => "condition[]",
        _ => field.Type.ToString().ToLowerInvariant(),
    };

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
