namespace Respond.Workflows.Scripting;

/// <summary>The alert a script runs for (<c>Alert</c>; null when the rule raised none).</summary>
public sealed record ScriptAlert(string Id, string Title, string Severity);

/// <summary>The organization a script runs for (<c>Organization</c>).</summary>
public sealed record ScriptOrganization(string Id, string Name);

/// <summary>
/// A response action a script asked for. Recording it is all a script can do: the server routes it through the
/// approval requirements and dual control like any other request.
/// </summary>
public sealed record RequestedAction(string Type, string Target, string Justification);
