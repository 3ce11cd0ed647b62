using System.Text.Json.Nodes;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

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

    public sealed record Settings(Template Title, Severity Severity, TimeSpan? SuppressFor);

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) => new Settings(
        Template.Parse(FieldConditions.Text(node.Config["title"])),
        ApiEnumName.TryParse<Severity>(FieldConditions.Text(node.Config["severity"]), out var severity) ? severity : Severity.Medium,
        ConfigValues.Duration(node.Config["suppressFor"]));

    /// <remarks>
    /// The group key suppression works on is the one a threshold or correlation on the path computed; without one it
    /// is the rendered title, which names what the alert is about (e.g. "{{device.hostname}} connected to {{dst.ip}}").
    /// </remarks>
    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var settings = context.Node.Compiled<Settings>();
        var e = context.Event;
        var title = settings.Title.Render(e);
        var groupKey = (string?)context.Instance.Variables[WorkflowEngine.GroupKeyVariable] ?? title;
        var snapshot = context.Rule.Snapshot;
        var (path, steps) = (context.Instance.Path, context.Instance.Path.Count);
        var outcome = await context.Alerts.RaiseAsync(new AlertRequest(
            snapshot.RuleId, snapshot.Version, snapshot.DefinitionHash, e.OrganizationId, title, settings.Severity, groupKey,
            e.Id, e.Time, settings.SuppressFor, () => Why(snapshot, e.Id, path.Take(steps))), ct).ConfigureAwait(false);
        context.Instance.Variables[WorkflowEngine.AlertIdVariable] = outcome.AlertId;
        return BlockResult.Take(BlockPorts.Next, new JsonObject
        {
            ["alertId"] = outcome.AlertId,
            ["title"] = title,
            ["severity"] = ApiEnumName.Format(settings.Severity),
            ["groupKey"] = groupKey,
            ["suppressed"] = outcome.Suppressed,
            ["count"] = outcome.Count,
        });
    }

    /// <summary>Why it fired: the exact rule version, every condition on the path with what it compared, the thresholds crossed.</summary>
    private static JsonObject Why(RuleSnapshot snapshot, string eventId, IEnumerable<PathStep> path)
    {
        var conditions = new JsonArray();
        var crossed = new JsonArray();
        foreach (var step in path.Where(step => step.BlockType.StartsWith("condition.", StringComparison.Ordinal)))
        {
            conditions.Add(new JsonObject
            {
                ["nodeId"] = step.NodeId,
                ["type"] = step.BlockType,
                ["port"] = step.Port,
                ["detail"] = step.Detail?.DeepClone(),
            });
            if (step.BlockType is "condition.threshold" or "condition.correlate" && step.Port == BlockPorts.True)
            {
                var threshold = (JsonObject?)step.Detail?.DeepClone() ?? [];
                threshold["nodeId"] = step.NodeId;
                threshold["type"] = step.BlockType;
                crossed.Add(threshold);
            }
        }
        return new JsonObject
        {
            ["ruleId"] = snapshot.RuleId,
            ["ruleName"] = snapshot.Name,
            ["ruleVersion"] = snapshot.Version,
            ["definitionHash"] = snapshot.DefinitionHash,
            ["eventId"] = eventId,
            ["conditions"] = conditions,
            ["thresholds"] = crossed,
        };
    }
}
