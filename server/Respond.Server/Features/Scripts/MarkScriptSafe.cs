using GraphQL.Types;
using Respond.Server.Identity;

namespace Respond.Server.Features.Scripts;

public sealed record MarkScriptSafeInput(string Id, bool Safe, int? ExpectedVersion);

public sealed class MarkScriptSafeInputType : InputObjectGraphType<MarkScriptSafeInput>
{
    public MarkScriptSafeInputType()
    {
        Name = "MarkScriptSafeInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Safe).Description("True: running this script (RUN_SCRIPT) is not destructive and needs no approval. False: it is again.");
        Field(i => i.ExpectedVersion, nullable: true).Description("The version you reviewed; a newer one refuses the mark (STALE_VERSION).");
    }
}

/// <summary>
/// Seed 002's "Depends" for RUN_SCRIPT: an Admin vouches for one script's current source. The mark is audited and
/// does not bump the version, so an author's pending edit still applies (and clears the mark if it changes the source).
/// </summary>
internal sealed class MarkScriptSafe(ScriptStore scripts)
{
    public async Task<ScriptPayload> ExecuteAsync(MarkScriptSafeInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (script, error) = await scripts.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (script is null) return ScriptPayload.Fail(error!);
        if (script.IsSafe == input.Safe) return ScriptPayload.Ok(script);
        var before = ScriptStore.Summary(script);
        script.MarkSafe(input.Safe, by.Id, scripts.Now);
        return await scripts.SaveAsync(script, by, input.Safe ? "script.markedSafe" : "script.unmarkedSafe", null, before, ct) is { } saveError
            ? ScriptPayload.Fail(saveError)
            : ScriptPayload.Ok(script);
    }
}
