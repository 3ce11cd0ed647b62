namespace Respond.Server.GraphQL;

/// <summary>A filter's search text as a SQL LIKE pattern that matches it anywhere, its wildcards taken literally.</summary>
public static class LikePattern
{
    /// <summary>The escape character to pass to <c>EF.Functions.Like</c> with a pattern from <see cref="Containing"/>.</summary>
    public const string Escape = "\\";

    public static string Containing(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
