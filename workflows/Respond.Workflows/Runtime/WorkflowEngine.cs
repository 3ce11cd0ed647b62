using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Workflows.Activities;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Activities.Triggers;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime;

/// <summary>
/// Runs rule workflows (Elsa's workflow runner, in small): from the trigger it follows ports node by node until the
/// graph ends (Completed), a block suspends on a bookmark (Suspended, saved, resumed later by a decision, an action
/// result or the scheduler) or something throws (Faulted). A rule's failure is recorded on its instance and never
/// escapes, so one broken rule cannot stop the others.
/// </summary>
/// <remarks>
/// A node runs at most once per instance: where branches join, the join runs when first reached. Branches run depth
/// first in edge order; when one suspends, the rest wait in the instance (variable <c>pending</c>) until it resumes.
/// </remarks>
public sealed class WorkflowEngine
{
    public const string AlertIdVariable = "alertId";
    public const string GroupKeyVariable = "groupKey";
    public const string ApprovalRequestIdVariable = "approvalRequestId";
    public const string DelayedSecondsVariable = "delayedSeconds";
    private const string PendingVariable = "pending";

    private readonly IWorkflowInstanceStore instances;
    private readonly IResumeScheduler scheduler;
    private readonly Func<string> newId;
    // Process-wide, not per engine: a server may create an engine per unit of work, and two resumes of one instance
    // must still take turns. (Across server nodes the stores' concurrency checks apply.) Windows need no lock here: one
    // evaluation at a time uses a window store (IWindowStore).
    private static readonly KeyedLocks InstanceLocks = new(64);
    private static readonly ConcurrentDictionary<(string RuleId, int Version, string Hash), CompiledRule> Compiled = new();

    public WorkflowEngine(
        IWindowStore windows,
        IAlertSink alerts,
        IActionDispatcher actions,
        IApprovalGateway approvals,
        IWorkflowInstanceStore instances,
        IResumeScheduler scheduler,
        TimeProvider time,
        WorkflowEngineOptions? options = null,
        IExpressionEvaluator? expressions = null)
    {
        Windows = windows;
        Alerts = alerts;
        Actions = actions;
        Approvals = approvals;
        this.instances = instances;
        this.scheduler = scheduler;
        Time = time;
        Options = options ?? new WorkflowEngineOptions();
        Expressions = expressions;
        newId = NewId;
    }

    internal IWindowStore Windows { get; }
    internal IAlertSink Alerts { get; }
    internal IActionDispatcher Actions { get; }
    internal IApprovalGateway Approvals { get; }
    internal IExpressionEvaluator? Expressions { get; }
    internal TimeProvider Time { get; }

    public WorkflowEngineOptions Options { get; }

    /// <summary>
    /// Runs every rule of the index that the event starts and that gets past its event-only blocks
    /// (<see cref="TriggerIndex.Proceeding"/>), one after the other, as live evaluation does
    /// (<see cref="StartIfProceedsAsync"/>); returns the instances that were started.
    /// </summary>
    public async ValueTask<IReadOnlyList<WorkflowInstance>> HandleEventAsync(TriggerIndex index, WorkflowEvent e, CancellationToken ct)
    {
        var candidates = index.Proceeding(e);
        if (candidates.Count == 0)
        {
            return [];
        }
        var started = new List<WorkflowInstance>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (await StartIfProceedsAsync(candidates[i], e, ct).ConfigureAwait(false) is { } instance)
            {
                started.Add(instance);
            }
        }
        return started;
    }

    /// <summary>Starts an instance of the rule for the event (the caller has checked the trigger, e.g. via <see cref="TriggerIndex"/>).</summary>
    public ValueTask<WorkflowInstance> StartAsync(CompiledRule rule, WorkflowEvent e, CancellationToken ct) => StartAsync(rule, e, null, ct);

    /// <summary>
    /// Live evaluation of a rule the index says proceeds (<see cref="TriggerIndex.Proceeding"/>): <see cref="StartAsync(CompiledRule, WorkflowEvent, CancellationToken)"/>,
    /// except that a rule that counts first (<see cref="CompiledRule.CountsFirst"/>) has the event counted before any
    /// instance exists, and gets one only when that reaches the count (it then runs from the trigger with that count, so
    /// the event is never counted twice). Null when the rule ended at the threshold: nothing ran that could have an effect,
    /// and nothing is stored. With <see cref="WorkflowEngineOptions.DetailFalseMatches"/> (a test of a rule shows why it did
    /// not fire) every rule gets its instance.
    /// </summary>
    public async ValueTask<WorkflowInstance?> StartIfProceedsAsync(CompiledRule rule, WorkflowEvent e, CancellationToken ct)
    {
        if (Options.DetailFalseMatches || rule.CountsFirst is not { } threshold || !rule.ProceedingReachesCountsFirst(e))
        {
            return await StartAsync(rule, e, null, ct).ConfigureAwait(false);
        }
        var counted = await ThresholdCondition.CountAsync(this, rule, threshold, e, ct).ConfigureAwait(false);
        return counted?.Count.Reached is null ? null : await StartAsync(rule, e, counted, ct).ConfigureAwait(false);
    }

    private async ValueTask<WorkflowInstance> StartAsync(CompiledRule rule, WorkflowEvent e, ThresholdCount? counted, CancellationToken ct)
    {
        var instance = new WorkflowInstance { IdFactory = newId, Rule = rule.Snapshot, Event = e, StartedAt = Time.GetUtcNow(), Counted = counted };
        var pending = new Stack<string>();
        pending.Push(rule.Trigger.Id);
        await RunAsync(rule, instance, pending, ct).ConfigureAwait(false);
        return instance;
    }

    /// <summary>Starts a <c>trigger.schedule</c> rule for one organization with a synthetic <c>schedule.tick</c> event at <paramref name="firedAt"/>.</summary>
    public ValueTask<WorkflowInstance> StartScheduledAsync(CompiledRule rule, DateTimeOffset firedAt, string organizationId, CancellationToken ct)
    {
        var id = $"schedule:{rule.RuleId}:{firedAt.UtcDateTime:yyyyMMddTHHmmssZ}";
        var json = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = id,
            ["organizationId"] = organizationId,
            ["source"] = "respond.scheduler",
            ["type"] = ScheduleTrigger.TickEventType,
            ["severity"] = ApiEnumName.Format(Severity.Informational),
            ["time"] = firedAt,
        });
        var tick = new WorkflowEvent(id, organizationId, "respond.scheduler", ScheduleTrigger.TickEventType, Severity.Informational, firedAt, json);
        return StartAsync(rule, tick, ct);
    }

    /// <summary>
    /// Continues a suspended instance from its bookmarked node, leaving by <paramref name="port"/> (e.g. <c>approved</c>,
    /// <c>rejected</c>, <c>completed</c>). Returns null and changes nothing when the instance is unknown, not suspended,
    /// or waits on another bookmark: a late or duplicate resume is a no-op.
    /// </summary>
    /// <remarks>Approval bookmarks are identified by the approval request id, action bookmarks by the action id.</remarks>
    /// <exception cref="ArgumentException">The port is not one of the bookmarked block's ports.</exception>
    public ValueTask<WorkflowInstance?> ResumeAsync(string instanceId, string bookmarkId, string port, JsonObject? input, CancellationToken ct) =>
        ResumeCoreAsync(instanceId, bookmarkId, port, input, due: false, ct);

    /// <summary>
    /// What the scheduler calls when a bookmark's time has come: a delay continues on <c>next</c>, an approval gate
    /// past its expiry on <c>expired</c>. A no-op (null) before the due time, for other bookmarks, or when already resumed.
    /// </summary>
    public ValueTask<WorkflowInstance?> ResumeDueAsync(string instanceId, string bookmarkId, CancellationToken ct) =>
        ResumeCoreAsync(instanceId, bookmarkId, null, null, due: true, ct);

    private async ValueTask<WorkflowInstance?> ResumeCoreAsync(
        string instanceId, string bookmarkId, string? port, JsonObject? input, bool due, CancellationToken ct)
    {
        using var _ = await InstanceLocks.LockAsync(instanceId, ct).ConfigureAwait(false);
        var instance = await instances.FindAsync(instanceId, ct).ConfigureAwait(false);
        if (instance is not { Status: InstanceStatus.Suspended, Bookmark: { } bookmark } || bookmark.Id != bookmarkId)
        {
            return null;
        }
        if (due)
        {
            if (bookmark.ResumeAt is not { } at || Time.GetUtcNow() < at)
            {
                return null;
            }
            port = bookmark.Kind switch
            {
                Bookmark.Delay => BlockPorts.Next,
                Bookmark.Approval => BlockPorts.Expired,
                _ => null,
            };
            if (port is null)
            {
                return null;
            }
        }
        var rule = CompileCached(instance.Rule);
        if (rule is null || !rule.Nodes.TryGetValue(bookmark.NodeId, out var node))
        {
            Fault(instance, bookmark.NodeId, $"Rule '{instance.Rule.RuleId}' v{instance.Rule.Version} can no longer be compiled, so the instance cannot continue.");
            await PersistAsync(instance, ct).ConfigureAwait(false);
            return instance;
        }
        if (!node.Block.Descriptor.Ports.Contains(port!))
        {
            throw new ArgumentException(
                $"{node.Type} has no port '{port}'; its ports are {string.Join(", ", node.Block.Descriptor.Ports)}.", nameof(port));
        }
        if (!due && bookmark.ResumeAt is not null)
        {
            await scheduler.CancelAsync(instanceId, bookmarkId, ct).ConfigureAwait(false); // decided before its timeout
        }

        instance.Status = InstanceStatus.Running;
        instance.Bookmark = null;
        var detail = new JsonObject { ["resumed"] = bookmark.Kind, ["bookmarkId"] = bookmark.Id };
        if (input is not null)
        {
            detail["input"] = input.DeepClone();
        }
        instance.Path.Add(new PathStep(node.Id, node.Type, port, Time.GetUtcNow(), detail));
        var pending = new Stack<string>(instance.Variables[PendingVariable] is JsonArray saved
            ? saved.Select(item => (string)item!)
            : []);
        instance.Variables.Remove(PendingVariable);
        Push(node, port!, pending);
        await RunAsync(rule, instance, pending, ct).ConfigureAwait(false);
        return instance;
    }

    private async ValueTask RunAsync(CompiledRule rule, WorkflowInstance instance, Stack<string> pending, CancellationToken ct)
    {
        string? current = null;
        try
        {
            while (pending.Count > 0)
            {
                current = pending.Pop();
                // A node runs once per instance: its step is on the path from the moment it ran (paths are a few steps,
                // so a scan costs less than a set per run).
                if (OnPath(instance.Path, current))
                {
                    continue;
                }
                var node = rule.Nodes[current];
                var result = await node.Block.ExecuteAsync(new BlockContext(this, rule, node, instance), ct).ConfigureAwait(false);
                var at = Time.GetUtcNow();
                instance.Path.Add(result.DetailWhenRead is { } detail
                    ? PathStep.WhenRead(node.Id, node.Type, result.Port, at, detail)
                    : new PathStep(node.Id, node.Type, result.Port, at, result.Detail));
                if (result.Bookmark is { } bookmark)
                {
                    instance.Status = InstanceStatus.Suspended;
                    instance.Bookmark = bookmark;
                    if (pending.Count > 0)
                    {
                        instance.Variables[PendingVariable] = new JsonArray([.. pending.Reverse().Select(id => (JsonNode)id)]);
                    }
                    break;
                }
                if (result.Port is { } port)
                {
                    Push(node, port, pending);
                }
            }
            if (instance.Status == InstanceStatus.Running)
            {
                instance.Status = InstanceStatus.Completed;
                instance.EndedAt = Time.GetUtcNow();
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Fault(instance, current, $"{exception.GetType().Name}: {exception.Message}");
        }
        await PersistAsync(instance, ct).ConfigureAwait(false);
    }

    private async ValueTask PersistAsync(WorkflowInstance instance, CancellationToken ct)
    {
        try
        {
            if (instance.Status != InstanceStatus.Completed || Options.PersistCompletedInstances)
            {
                await instances.SaveAsync(instance, ct).ConfigureAwait(false);
            }
            // Scheduled only once saved, so the timer can never fire for an instance the store does not know yet.
            if (instance is { Status: InstanceStatus.Suspended, Bookmark: { ResumeAt: { } at } bookmark })
            {
                await scheduler.ScheduleAsync(instance.Id, bookmark.Id, at, ct).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (instance.Status == InstanceStatus.Faulted)
            {
                return; // the store is failing; the caller still gets the instance with its error
            }
            Fault(instance, instance.Bookmark?.NodeId, $"The instance could not be saved: {exception.GetType().Name}: {exception.Message}");
            try
            {
                await instances.SaveAsync(instance, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Nothing more to do inside the engine: the instance returned to the caller carries the error.
            }
        }
    }

    private void Fault(WorkflowInstance instance, string? nodeId, string error)
    {
        instance.Status = InstanceStatus.Faulted;
        instance.Bookmark = null;
        instance.Error = nodeId is null ? error : $"Node '{nodeId}': {error}";
        instance.EndedAt = Time.GetUtcNow();
    }

    private static void Push(CompiledNode node, string port, Stack<string> pending)
    {
        var next = node.Next(port);
        for (var i = next.Count - 1; i >= 0; i--)
        {
            pending.Push(next[i]);
        }
    }

    private CompiledRule? CompileCached(RuleSnapshot snapshot)
    {
        var key = (snapshot.RuleId, snapshot.Version, snapshot.DefinitionHash);
        if (Compiled.TryGetValue(key, out var rule))
        {
            return rule;
        }
        if (!CompiledRule.TryCompile(snapshot, out rule, out _))
        {
            return null;
        }
        if (Compiled.Count > 1000)
        {
            Compiled.Clear(); // resumes are rare; a bound matters more than a perfect hit rate
        }
        return Compiled.GetOrAdd(key, rule);
    }

    private static bool OnPath(List<PathStep> path, string nodeId)
    {
        foreach (var step in path)
        {
            if (step.NodeId == nodeId)
            {
                return true;
            }
        }
        return false;
    }

    private static readonly long IdPrefix = Random.Shared.NextInt64();
    private static long idCounter;

    /// <summary>
    /// A time-ordered id shaped like a version-7 UUID: 48 bits of milliseconds, then a per-process random prefix and a
    /// counter. Unique without asking the OS for randomness per instance, which costs more than running most rules.
    /// </summary>
    internal string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = Time.GetUtcNow().ToUnixTimeMilliseconds();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[..8], (ms << 16) | (0x7000 | ((IdPrefix >> 52) & 0x0FFF)));
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[8..],
            (long)(((ulong)IdPrefix << 40) ^ (ulong)Interlocked.Increment(ref idCounter)) & 0x3FFFFFFFFFFFFFFF | unchecked((long)0x8000000000000000));
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
