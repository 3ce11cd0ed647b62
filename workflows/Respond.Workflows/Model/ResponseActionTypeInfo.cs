namespace Respond.Workflows;

/// <summary>Facts about one response action type that the catalog, approvals and the API share.</summary>
/// <remarks>
/// <para><c>DestructiveByDefault</c>: Destructive actions need dual-control approval unless the workspace overrides it.</para>
/// </remarks>
public sealed record ResponseActionTypeInfo(
    ResponseActionType Type,
    string BlockId,
    string DisplayName,
    string Description,
    bool DestructiveByDefault,
    ActionTargetKind Target);
