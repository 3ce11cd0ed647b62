namespace Respond.Workflows;

/// <summary>One problem in a rule definition, shown next to the node and field it concerns.</summary>
/// <remarks>
/// <para><c>NodeId</c>: The node at fault; null for graph-level problems.</para>
/// <para><c>Field</c>: A path such as <c>config.count</c>, <c>config.windows[0].from</c> or <c>edges[3].port</c>.</para>
/// </remarks>
public sealed record ValidationError(string? NodeId, string? Field, string Message);
