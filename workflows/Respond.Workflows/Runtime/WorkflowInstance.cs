using System.Text.Json.Nodes;

namespace Respond.Workflows.Runtime;

public enum InstanceStatus { Running, Suspended, Completed, Faulted }

/// <summary>One run of one rule version for one event (or schedule tick), with where it is and how it got there.</summary>
public sealed class WorkflowInstance
{
    private string? _id;
    private Func<string>? _idFactory;

    /// <summary>Set, or made on first read by <see cref="IdFactory"/>.</summary>
    public string Id
    {
        get => _id ??= _idFactory?.Invoke() ?? throw new InvalidOperationException("The instance was given neither an id nor a way to make one.");
        init => _id = value;
    }

    /// <summary>
    /// Makes <see cref="Id"/> when something first asks for it (the engine's runs): most runs end without effect, are
    /// never stored and never need one, and making one per run cost a clock read and a formatted GUID per rule and event.
    /// </summary>
    public Func<string> IdFactory
    {
        init => _idFactory = value;
    }

    public required RuleSnapshot Rule { get; init; }
    public required WorkflowEvent Event { get; init; }
    public InstanceStatus Status { get; set; } = InstanceStatus.Running;
    /// <summary>Set while suspended: what it waits for.</summary>
    public Bookmark? Bookmark { get; set; }
    public List<PathStep> Path { get; init; } = [];
    /// <summary>Values blocks hand on: the alert id raised, the approval request id, the group key.</summary>
    public JsonObject Variables { get; init; } = [];
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>
    /// Set when the engine counted the event in a threshold before it created this instance
    /// (<see cref="WorkflowEngine.StartIfProceedsAsync"/>): the threshold node takes this count instead of counting again.
    /// </summary>
    internal ThresholdCount? Counted { get; set; }
}

/// <summary>
/// A suspension point (Elsa's bookmark): the node, the kind of stimulus it waits for and its payload
/// (an approval request id, an action id, a due time).
/// </summary>
public sealed record Bookmark(string Id, string NodeId, string Kind, string? Payload, DateTimeOffset? ResumeAt)
{
    public const string Approval = "approval";
    public const string Delay = "delay";
    public const string Action = "action";
}

/// <summary>One node on an instance's path: the port it left by and, for conditions, what it compared.</summary>
public sealed record PathStep(string NodeId, string BlockType, string? Port, DateTimeOffset At, JsonObject? Detail)
{
    private Func<JsonObject>? _whenRead;
    private JsonObject? _detail = Detail;

    /// <summary>
    /// What the block recorded. A step made by <see cref="WhenRead"/> builds it on first read: most live runs that pass
    /// a match end at a later block without effect and are never stored, so their details would be built for nothing.
    /// </summary>
    public JsonObject? Detail
    {
        get
        {
            if (_whenRead is { } build)
            {
                _detail = build();
                _whenRead = null;
            }
            return _detail;
        }
        init
        {
            _detail = value;
            _whenRead = null;
        }
    }

    /// <summary>True until a detail made by <see cref="WhenRead"/> is built.</summary>
    internal bool DetailPending => _whenRead is not null;

    internal static PathStep WhenRead(string nodeId, string blockType, string? port, DateTimeOffset at, Func<JsonObject> detail) =>
        new(nodeId, blockType, port, at, null) { _whenRead = detail };
}

/// <summary>What counting an event in a threshold's window gave: its group key and the count.</summary>
internal sealed record ThresholdCount(string NodeId, string GroupKey, Ports.WindowCount Count);
