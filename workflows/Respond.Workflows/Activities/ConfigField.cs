namespace Respond.Workflows.Activities;

/// <summary>One key of a block's <c>config</c> object, typed so the designer can pick an editor and the validator a check.</summary>
/// <remarks>
/// <para><c>AllowedValues</c>: For strings (or string array items): the only values accepted.</para>
/// <para><c>ItemType</c>: For <see cref="ConfigFieldType.Array"/>: the type of each item.</para>
/// <para><c>Fields</c>: For objects (or object array items): their keys.</para>
/// </remarks>
public sealed record ConfigField(
    string Name,
    ConfigFieldType Type,
    bool Required,
    string Description,
    IReadOnlyList<string>? AllowedValues = null,
    ConfigFieldType? ItemType = null,
    IReadOnlyList<ConfigField>? Fields = null);
