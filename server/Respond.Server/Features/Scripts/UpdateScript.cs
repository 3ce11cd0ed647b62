using GraphQL.Types;
using Respond.Server.Identity;

namespace Respond.Server.Features.Scripts;

public sealed record UpdateScriptInput(string Id, int ExpectedVersion, string? Source, string? Name, string? Description);

public sealed class UpdateScriptInputType : InputObjectGraphType<UpdateScriptInput>
{
    public UpdateScriptInputType()
    {
        Name = "UpdateScriptInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.ExpectedVersion).Description("The version you edited; a different stored version refuses the update (STALE_VERSION).");
        Field(i => i.Source, nullable: true).Description("A new source clears the script's safe mark: an Admin reviews it again.");
        Field(i => i.Name, nullable: true);
        Field(i => i.Description, nullable: true);
    }
}

/// <summary>Saves an edit as the next version, on top of the version the author saw; earlier versions stay as they were.</summary>
internal sealed class UpdateScript(ScriptStore scripts)
{
    public async Task<ScriptPayload> ExecuteAsync(UpdateScriptInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (script, error) = await scripts.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (script is null) return ScriptPayload.Fail(error!);
        if (input.Name is not null && ScriptStore.CheckName(input.Name) is { } nameError) return ScriptPayload.Fail(nameError);
        var (warnings, refused) = await scripts.CheckAsync(input.Source ?? script.Source, ct);
        if (refused is not null) return ScriptPayload.Fail(refused);

        var before = ScriptStore.Summary(script);
        if (input.Name is not null) script.Name = input.Name.Trim();
        if (input.Description is not null) script.Description = input.Description;
        script.Revise(input.Source, by.Id, scripts.Now);
        return await scripts.SaveAsync(script, by, "script.updated", warnings, before, ct) is { } saveError
            ? ScriptPayload.Fail(saveError)
            : ScriptPayload.Ok(script);
    }
}
