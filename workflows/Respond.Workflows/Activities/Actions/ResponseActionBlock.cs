using System.Text.Json.Nodes;
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
}
