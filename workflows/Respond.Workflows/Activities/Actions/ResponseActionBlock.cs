using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Actions;

/// <summary>
/// <c>action.&lt;type&gt;</c>: submits one response action of <see cref="ResponseActionTypes"/> for the event's target
/// and takes <c>completed</c> or <c>failed</c>. One instance per action type, so the table in
/// <see cref="ResponseActionTypes"/> stays the only place an action type is described.
/// </summary>
/// <remarks>Not sealed: <see cref="RunScriptAction"/> adds the script to choose.</remarks>
public class ResponseActionBlock : Block
{
    /// <summary>Target keys of API.md's <c>SubmitResponseActionInput.target</c>.</summary>
    public static IReadOnlyList<string> TargetKeys { get; } = ["deviceId", "userId", "ip", "processId", "filePath"];

    protected ResponseActionBlock(ResponseActionTypeInfo info, IReadOnlyList<ConfigField> extraConfig)
    {
        Info = info;
        Descriptor = new BlockDescriptor(
            info.BlockId,
            BlockCategory.Action,
            info.DisplayName,
            info.Description + (info.DestructiveByDefault ? " Destructive: needs dual-control approval unless the workspace says otherwise." : ""),
            BlockPorts.ActionResult,
            [
                new("target", ConfigFieldType.Object, false,
                    $"Event field paths overriding the default target ({DefaultTargetText(info.Target)}).",
                    Fields: TargetFields(info.Target)),
                new("parameters", ConfigFieldType.Object, false, "Type-specific parameters passed to the connector."),
                .. extraConfig,
            ],
            info.Type);
    }

    public ResponseActionTypeInfo Info { get; }

    public override BlockDescriptor Descriptor { get; }

    public static ResponseActionBlock For(ResponseActionTypeInfo info) =>
        info.Type == ResponseActionType.RunScript ? new RunScriptAction(info) : new ResponseActionBlock(info, []);

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        if (config["target"] is not JsonObject target)
        {
            return;
        }
        var allowed = TargetFields(Info.Target).Select(field => field.Name).ToList();
        foreach (var (key, _) in target)
        {
            if (!allowed.Contains(key))
            {
                context.Report($"target.{key}",
                    $"{Descriptor.Id} has no target '{key}'; it accepts {string.Join(", ", allowed)}.");
            }
        }
    }

    // Endpoint actions run on a device, so process, file and IP actions also let the author pick the device field.
    private static IReadOnlyList<ConfigField> TargetFields(ActionTargetKind kind) => kind switch
    {
        ActionTargetKind.Device => [DeviceField],
        ActionTargetKind.User => [new("userId", ConfigFieldType.FieldPath, false, "Field holding the user id; default user.id.")],
        ActionTargetKind.Ip => [DeviceField, new("ip", ConfigFieldType.FieldPath, false, "Field holding the IP address; default src.ip, else dst.ip.")],
        ActionTargetKind.Process => [DeviceField, new("processId", ConfigFieldType.FieldPath, false, "Field holding the process id; default process.pid.")],
        _ => [DeviceField, new("filePath", ConfigFieldType.FieldPath, false, "Field holding the file path; default file.path.")],
    };

    private static readonly ConfigField DeviceField =
        new("deviceId", ConfigFieldType.FieldPath, false, "Field holding the device id; default device.id.");

    private static string DefaultTargetText(ActionTargetKind kind) => kind switch
    {
        ActionTargetKind.Device => "device.id",
        ActionTargetKind.User => "user.id",
        ActionTargetKind.Ip => "src.ip, else dst.ip",
        ActionTargetKind.Process => "process.pid on device.id",
        _ => "file.path on device.id",
    };

    public override object Compile(WorkflowNode node, WorkflowDefinition definition) => ActionPlan.Compile(Info, node);

    /// <summary>
    /// Hands the action to the dispatcher. The rule's outcome is enforced here as well as by the validator (defence in
    /// depth): an ALERT_ONLY rule never dispatches, a MANUAL_APPROVAL rule only behind an approved gate.
    /// </summary>
    public override async ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct)
    {
        var approved = context.Instance.Path.Any(step => step.BlockType == "gate.approval" && step.Port == BlockPorts.Approved);
        var refusal = context.Rule.Snapshot.Outcome switch
        {
            RuleOutcome.AlertOnly => "An ALERT_ONLY rule runs no action.",
            RuleOutcome.ManualApproval when !approved => "A MANUAL_APPROVAL rule runs actions only after an approved gate.approval.",
            _ => null,
        };
        if (refusal is not null)
        {
            return BlockResult.End(new JsonObject { ["skipped"] = refusal });
        }
        var requestId = approved ? (string?)context.Instance.Variables[WorkflowEngine.ApprovalRequestIdVariable] : null;
        var (action, missing) = context.Node.Compiled<ActionPlan>().Propose(context, requestId);
        var detail = ActionPlan.Describe(action);
        if (missing is not null)
        {
            detail["error"] = $"The event has no value for the target '{missing}'.";
            return BlockResult.Take(BlockPorts.Failed, detail);
        }
        var result = await context.Actions.DispatchAsync(action, ct).ConfigureAwait(false);
        detail["status"] = result.Status.ToString();
        detail["actionId"] = result.ActionId;
        if (result.Error is not null)
        {
            detail["error"] = result.Error;
        }
        return result.Status switch
        {
            DispatchStatus.Completed => BlockResult.Take(BlockPorts.Completed, detail),
            DispatchStatus.Failed => BlockResult.Take(BlockPorts.Failed, detail),
            _ => BlockResult.Suspend(
                new Bookmark(result.ActionId ?? context.NewId(), context.Node.Id, Bookmark.Action, result.ActionId, null), detail),
        };
    }
}
