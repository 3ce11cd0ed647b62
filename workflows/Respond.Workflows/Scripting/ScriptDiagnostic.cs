namespace Respond.Workflows.Scripting;

/// <summary>
/// A refusal or compiler message about a script, positioned for the designer's editor (1-based line and column).
/// <paramref name="Severity"/> is <c>error</c> or <c>warning</c>; <paramref name="Code"/> is a C# compiler id
/// (<c>CS0103</c>) or one of <see cref="ScriptDiagnosticCodes"/>; <paramref name="Symbol"/> names what was refused.
/// </summary>
public sealed record ScriptDiagnostic(string Severity, string Code, string Message, int Line, int Column, string? Symbol)
{
    public const string Error = "error";
    public const string Warning = "warning";

    public bool IsError => Severity == Error;
}
