namespace Respond.Workflows.Runtime;

/// <summary>
/// An active rule as the runtime runs it: one immutable version. Instances keep the version they started
/// on, so editing a rule never changes a suspended instance under its feet.
/// </summary>
/// <remarks><c>OrganizationIds</c>: empty means every organization.</remarks>
public sealed record RuleSnapshot(
    string RuleId,
    string Name,
    int Version,
    string DefinitionHash,
    RuleOutcome Outcome,
    IReadOnlyList<string> OrganizationIds,
    WorkflowDefinition Definition);
