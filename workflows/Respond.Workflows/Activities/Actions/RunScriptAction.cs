using System.Text.Json.Nodes;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Actions;

/// <summary>
/// <c>action.runScript</c>: runs a C# remediation script in the script sandbox, either inline (<c>script</c>) or a
/// pinned version from the script library (<c>scriptId</c> + <c>scriptVersion</c>). Destructive unless an admin marked
/// the library script safe.
/// </summary>
public sealed class RunScriptAction : ResponseActionBlock
{
    internal RunScriptAction(ResponseActionTypeInfo info)
        : base(info,
        [
            new("script", ConfigFieldType.Script, false, "Inline C# source; or use scriptId and scriptVersion."),
            new("scriptId", ConfigFieldType.String, false, "Id of a script in the script library."),
            new("scriptVersion", ConfigFieldType.Integer, false, "The library script's version; pinned so a later edit cannot change what the rule runs."),
        ])
    {
    }

    public override void ValidateConfig(JsonObject config, ValidationContext context)
    {
        base.ValidateConfig(config, context);
        var hasInline = config["script"] is not null;
        var hasLibrary = config["scriptId"] is not null || config["scriptVersion"] is not null;
        if (hasInline == hasLibrary)
        {
            context.Needs("script", "or 'scriptId' with 'scriptVersion' (exactly one of the two)");
        }
        else if (hasLibrary && (config["scriptId"] is null || config["scriptVersion"] is null))
        {
            context.Needs(config["scriptId"] is null ? "scriptId" : "scriptVersion", "as well, because a library script is run at a pinned version");
        }
    }
}
