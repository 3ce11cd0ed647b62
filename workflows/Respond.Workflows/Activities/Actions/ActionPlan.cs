using System.Text.Json.Nodes;
using Respond.Workflows.Activities.Conditions;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Activities.Actions;

/// <summary>
/// An action node compiled: where each target key comes from in the event (WORKFLOWS.md defaults, overridden by the
/// block's <c>target</c> field paths) and the parameters to pass on.
/// </summary>
public sealed class ActionPlan
{
    private readonly (string Key, EventFieldPath[] Paths)[] targets;
    private readonly JsonObject parameters;

    private ActionPlan(ResponseActionTypeInfo info, string nodeId, (string, EventFieldPath[])[] targets, JsonObject parameters)
    {
        Info = info;
        NodeId = nodeId;
        this.targets = targets;
        this.parameters = parameters;
        PrimaryTargetKey = PrimaryKey(info.Target);
    }

    public ResponseActionTypeInfo Info { get; }

    public string NodeId { get; }

    /// <summary>The target key without which the action cannot run, e.g. <c>ip</c> for block IP.</summary>
    public string PrimaryTargetKey { get; }

    internal static ActionPlan Compile(ResponseActionTypeInfo info, WorkflowNode node)
    {
        var overrides = node.Config["target"] as JsonObject;
        EventFieldPath[] From(string key, params string[] defaults) =>
            FieldConditions.Text(overrides?[key]) is { } path ? [EventFieldPath.Parse(path)] : [.. defaults.Select(EventFieldPath.Parse)];

        (string, EventFieldPath[])[] targets = info.Target switch
        {
            ActionTargetKind.Device => [("deviceId", From("deviceId", "device.id"))],
            ActionTargetKind.User => [("userId", From("userId", "user.id"))],
            ActionTargetKind.Ip => [("ip", From("ip", "src.ip", "dst.ip")), ("deviceId", From("deviceId", "device.id"))],
            ActionTargetKind.Process => [("processId", From("processId", "process.pid")), ("deviceId", From("deviceId", "device.id"))],
            _ => [("filePath", From("filePath", "file.path")), ("fileSha256", [EventFieldPath.Parse("file.sha256")]),
                ("deviceId", From("deviceId", "device.id"))],
        };
        var parameters = node.Config["parameters"] as JsonObject is { } given ? (JsonObject)given.DeepClone() : [];
        foreach (var key in new[] { "script", "scriptId", "scriptVersion" })
        {
            if (info.Type == ResponseActionType.RunScript && node.Config[key] is { } value)
            {
                parameters[key] = value.DeepClone();
            }
        }
        return new ActionPlan(info, node.Id, targets, parameters);
    }

    /// <summary>Builds the proposed action for the instance's event; <c>Missing</c> names the primary target key when the event lacks it.</summary>
    public (ProposedAction Action, string? Missing) Propose(BlockContext context, string? approvalRequestId)
    {
        var target = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, paths) in targets)
        {
            foreach (var path in paths)
            {
                if (EventFieldPath.Text(path.Resolve(context.Event)) is { Length: > 0 } value)
                {
                    target[key] = value;
                    break;
                }
            }
        }
        var action = new ProposedAction(
            Info.Type,
            NodeId,
            target,
            (JsonObject)parameters.DeepClone(),
            context.Rule.RuleId,
            context.Rule.Snapshot.Version,
            context.Event.OrganizationId,
            context.Event.Id,
            (string?)context.Instance.Variables[WorkflowEngine.AlertIdVariable],
            approvalRequestId,
            context.Instance.Id);
        return (action, target.ContainsKey(PrimaryTargetKey) ? null : PrimaryTargetKey);
    }

    /// <summary>How an action shows in a path step or an approval's detail.</summary>
    public static JsonObject Describe(ProposedAction action)
    {
        var target = new JsonObject();
        foreach (var (key, value) in action.Target)
        {
            target[key] = value;
        }
        return new JsonObject
        {
            ["nodeId"] = action.NodeId,
            ["type"] = ApiEnumName.Format(action.Type),
            ["target"] = target,
        };
    }

    private static string PrimaryKey(ActionTargetKind kind) => kind switch
    {
        ActionTargetKind.Device => "deviceId",
        ActionTargetKind.User => "userId",
        ActionTargetKind.Ip => "ip",
        ActionTargetKind.Process => "processId",
        _ => "filePath",
    };
}
