using GraphQL.Types;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Scripts;

public sealed record CreateScriptInput(string Name, string? Description, List<string>? OrganizationIds, string Source);

public sealed class CreateScriptInputType : InputObjectGraphType<CreateScriptInput>
{
    public CreateScriptInputType()
    {
        Name = "CreateScriptInput";
        Field(i => i.Name);
        Field(i => i.Description, nullable: true);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("organizationIds").Description("Empty or absent: every organization.");
        Field(i => i.Source).Description("C# statements over the script host API (docs/scripting.md); refused (SCRIPT_REFUSED) unless the check passes.");
    }
}

/// <summary>A new library script at version 1; a source the checker refuses is never saved.</summary>
internal sealed class CreateScript(ScriptStore scripts)
{
    public async Task<ScriptPayload> ExecuteAsync(CreateScriptInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (ScriptStore.CheckName(input.Name) is { } nameError) return ScriptPayload.Fail(nameError);
        var organizations = (input.OrganizationIds ?? []).Distinct().ToList();
        if (await scripts.CheckOrganizationsAsync(organizations, by, ct) is { } orgError) return ScriptPayload.Fail(orgError);
        var (warnings, refused) = await scripts.CheckAsync(input.Source, ct);
        if (refused is not null) return ScriptPayload.Fail(refused);
        var now = scripts.Now;
        var script = new Script
        {
            Id = "script-" + Guid.NewGuid().ToString("N")[..12],
            Name = input.Name.Trim(),
            Description = input.Description ?? "",
            Organizations = OrganizationScope.Encode(organizations),
            Source = input.Source,
            ContentHash = Script.Hash(input.Source),
            CreatedAt = now,
            CreatedBy = by.Id,
            UpdatedAt = now,
            UpdatedBy = by.Id,
        };
        scripts.Add(script);
        return await scripts.SaveAsync(script, by, "script.created", warnings, null, ct) is { } error ? ScriptPayload.Fail(error) : ScriptPayload.Ok(script);
    }
}
