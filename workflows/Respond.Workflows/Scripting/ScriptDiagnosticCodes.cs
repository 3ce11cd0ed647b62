namespace Respond.Workflows.Scripting;

/// <summary>The sandbox's own diagnostic codes (compiler diagnostics keep their <c>CS</c> ids).</summary>
public static class ScriptDiagnosticCodes
{
    /// <summary>A type, member or namespace that is not on the allow-list.</summary>
    public const string NotAllowed = "RSB001";

    /// <summary>A symbol refused on purpose (reflection, file system, processes, ...); the message says why.</summary>
    public const string Refused = "RSB002";

    /// <summary><c>#r</c>, <c>#load</c> and other directives that would pull in code.</summary>
    public const string Directive = "RSB003";

    /// <summary>A language feature refused everywhere: <c>unsafe</c>, pointers, <c>stackalloc</c>, <c>extern</c>, <c>dynamic</c>, ...</summary>
    public const string Feature = "RSB004";

    /// <summary>A <c>condition.expression</c> that is not one bounded expression (statements, lambdas, loops, ...).</summary>
    public const string ExpressionShape = "RSB005";

    /// <summary>The source is too large, or the check itself ran out of time.</summary>
    public const string Limit = "RSB006";

    /// <summary>
    /// The source's shape passes a limit of the check (<see cref="ScriptShapeLimits"/>: lambdas nested too deep, syntax
    /// nested too deep, too many lambdas). Refused from the syntax alone, before the compiler binds anything.
    /// </summary>
    public const string Shape = "RSB007";
}
