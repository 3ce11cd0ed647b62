using Respond.Workflows.Activities.Triggers;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime;

/// <summary>What a running block sees (Elsa's ActivityExecutionContext): the instance, its node, the ports and the clock.</summary>
public sealed class BlockContext
{
    private readonly WorkflowEngine engine;

    internal BlockContext(WorkflowEngine engine, CompiledRule rule, CompiledNode node, WorkflowInstance instance)
    {
        this.engine = engine;
        Rule = rule;
        Node = node;
        Instance = instance;
    }

    internal WorkflowEngine Engine => engine;

    public CompiledRule Rule { get; }

    public CompiledNode Node { get; }

    public WorkflowInstance Instance { get; }

    public WorkflowEvent Event => Instance.Event;

    public WorkflowEngineOptions Options => engine.Options;

    public IWindowStore Windows => engine.Windows;

    public IAlertSink Alerts => engine.Alerts;

    public IActionDispatcher Actions => engine.Actions;

    public IApprovalGateway Approvals => engine.Approvals;

    /// <summary>Null when no script sandbox is configured.</summary>
    public IExpressionEvaluator? Expressions => engine.Expressions;

    /// <summary>The clock (approval expiry, delays, path timestamps).</summary>
    public DateTimeOffset Now => engine.Time.GetUtcNow();

    /// <summary>
    /// The "now" conditions judge by: the event's time (plus any delays waited) for an event-triggered instance, so a
    /// backtest agrees with live ingestion; the clock for a schedule-triggered one.
    /// </summary>
    public DateTimeOffset EvaluationTime =>
        Rule.Trigger.Block is ScheduleTrigger
            ? Now
            : Event.Time + TimeSpan.FromSeconds((double?)Instance.Variables[WorkflowEngine.DelayedSecondsVariable] ?? 0);

    /// <summary>The window of this node for a group key; scoped by organization so tenants never share counts.</summary>
    public WindowKey WindowFor(string groupKey) => WindowFor(Rule, Node, Event, groupKey);

    internal static WindowKey WindowFor(CompiledRule rule, CompiledNode node, WorkflowEvent e, string groupKey) =>
        new(rule.RuleId, node.Id, e.OrganizationId + "|" + groupKey);

    public string NewId() => engine.NewId();
}
