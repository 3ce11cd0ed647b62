namespace Respond.Workflows.Activities;

/// <summary>Output port names as WORKFLOWS.md documents them; the designer uses them as handle ids.</summary>
public static class BlockPorts
{
    public const string Next = "next";
    public const string True = "true";
    public const string False = "false";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static IReadOnlyList<string> Sequential { get; } = [Next];
    public static IReadOnlyList<string> Decision { get; } = [True, False];
    public static IReadOnlyList<string> Approval { get; } = [Approved, Rejected, Expired];
    public static IReadOnlyList<string> ActionResult { get; } = [Completed, Failed];
}
