namespace Respond.Workflows;

/// <summary>Event and alert severity; API.md spells the members INFORMATIONAL … CRITICAL.</summary>
public enum Severity
{
    Informational,
    Low,
    Medium,
    High,
    Critical,
}
