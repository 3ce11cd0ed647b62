namespace Respond.Workflows.Activities;

/// <summary>What the designer and the API (<c>activityCatalog</c>) know about a block type.</summary>
/// <remarks>
/// <para><c>Id</c>: The stable type id written into rule JSON, e.g. <c>condition.threshold</c>.</para>
/// <para><c>Ports</c>: Output ports, in the order the designer draws them.</para>
/// <para><c>ActionType</c>: Set for <c>action.*</c> blocks only.</para>
/// </remarks>
public sealed record BlockDescriptor(
    string Id,
    BlockCategory Category,
    string DisplayName,
    string Description,
    IReadOnlyList<string> Ports,
    IReadOnlyList<ConfigField> Config,
    ResponseActionType? ActionType);
