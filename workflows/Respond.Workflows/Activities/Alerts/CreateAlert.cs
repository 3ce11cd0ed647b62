namespace Respond.Workflows.Activities.Alerts;

/// <summary>
/// <c>alert.create</c>: raises an alert with a templated title and a severity. Without <c>suppressFor</c> every run
/// that reaches it raises its own alert.
/// </summary>
public sealed class CreateAlert : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "alert.create",
        BlockCategory.Alert,
        "Create alert",
        "Raises an alert with a title and severity; optionally suppresses repeats for a while.",
        BlockPorts.Sequential,
        [
            new("title", ConfigFieldType.Template, true, "Alert title; may use placeholders such as {{user.name}}."),
            new("severity", ConfigFieldType.Severity, true, "Alert severity."),
            new("suppressFor", ConfigFieldType.Duration, false, "Raise at most one alert per rule and group within this span."),
        ],
        null);
}
