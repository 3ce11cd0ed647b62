using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Triggers;

/// <summary>
/// <c>trigger.event</c>: starts an instance for each ingested event whose type is listed, optionally only from
/// some sources and at or above a minimum severity. The rule's organization scope is applied by the server.
/// </summary>
public sealed class EventTrigger : Block
{
    public override BlockDescriptor Descriptor { get; } = new(
        "trigger.event",
        BlockCategory.Trigger,
        "Event",
        "Starts the rule for each ingested event matching the event types, sources, minimum severity and organization scope.",
        BlockPorts.Sequential,
        [
            new("eventTypes", ConfigFieldType.Array, true, "Event types that start the rule, e.g. signin.failed.",
                ItemType: ConfigFieldType.String),
            new("sources", ConfigFieldType.Array, false, "Only events from these sources (connector names); all when left out.",
                ItemType: ConfigFieldType.String),
            new("minSeverity", ConfigFieldType.Severity, false, "Ignore events below this severity."),
        ],
        null);

    /// <summary>The trigger's filters; <c>Sources</c> null means every source.</summary>
    public sealed record Settings(IReadOnlyList<string> EventTypes, IReadOnlySet<string>? Sources, Severity? MinSeverity);

    public override object Compile(WorkflowNode node, WorkflowDefinition definition)
    {
        var sources = ConfigValues.Strings(node.Config["sources"]);
        return new Settings(
            ConfigValues.Strings(node.Config["eventTypes"]),
            // Source names are connector names; their case is not meaningful.
            sources.Count == 0 ? null : new HashSet<string>(sources, StringComparer.OrdinalIgnoreCase),
            ApiEnumName.TryParse<Severity>(FieldConditions.Text(node.Config["minSeverity"]), out var min) ? min : null);
    }

    public override string DecideOnEvent(CompiledNode node, WorkflowEvent e) => BlockPorts.Next;

    public override ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct) =>
        ValueTask.FromResult(BlockResult.Take(BlockPorts.Next));
}
