using System.Text.Json;

namespace Respond.Workflows.Templates;

/// <summary>A community template (seed 000): a read-only rule that users view and duplicate into their own rule.</summary>
public sealed record RuleTemplate(
    string Id,
    string Name,
    string Description,
    RuleOutcome Outcome,
    IReadOnlyList<string> Tags,
    JsonElement Definition);
