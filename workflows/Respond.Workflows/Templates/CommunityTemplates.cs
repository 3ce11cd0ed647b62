using System.Reflection;
using System.Text.Json;

namespace Respond.Workflows.Templates;

/// <summary>
/// The built-in community templates, shipped as embedded <c>Templates/*.json</c> files so they stay readable and
/// diffable in the same format users export and import.
/// </summary>
public static class CommunityTemplates
{
    private static readonly Lazy<IReadOnlyList<RuleTemplate>> Loaded = new(Load);

    public static IReadOnlyList<RuleTemplate> All => Loaded.Value;

    public static RuleTemplate? Find(string id) => All.FirstOrDefault(template => template.Id == id);

    private static IReadOnlyList<RuleTemplate> Load()
    {
        var assembly = typeof(CommunityTemplates).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(".Templates.", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => Read(assembly, name))
            .ToArray();
    }

    // The files are ours and covered by tests, so a broken one is a build defect: throw rather than skip it silently.
    private static RuleTemplate Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded template {resourceName} is missing.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        string Text(string name) => root.GetProperty(name).GetString()
            ?? throw new InvalidOperationException($"Template {resourceName} has no '{name}'.");
        if (!ApiEnumName.TryParse<RuleOutcome>(Text("outcome"), out var outcome))
        {
            throw new InvalidOperationException($"Template {resourceName} has an unknown outcome.");
        }
        return new RuleTemplate(
            Text("id"),
            Text("name"),
            Text("description"),
            outcome,
            root.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString() ?? "").ToArray(),
            root.GetProperty("definition").Clone());
    }
}
