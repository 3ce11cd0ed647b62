using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Scripts;

public sealed class ScriptType : ObjectGraphType<Script>
{
    public ScriptType()
    {
        Name = "Script";
        Description = "A named, versioned RUN_SCRIPT script; rules reference a script version.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(s => s.Name);
        Field(s => s.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("organizationIds")
            .Description("Empty: the script applies to every organization.").Resolve(c => c.Source.OrganizationIds);
        Field(s => s.Version).Description("The current version; pass as expectedVersion to updateScript.");
        Field(s => s.Source).Description("The current version's source.");
        Field(s => s.ContentHash).Description("SHA-256 of the current source: the key compiled scripts are cached by.");
        Field(s => s.IsSafe).Description("An Admin marked this source safe: running it (RUN_SCRIPT) needs no approval. A new source clears it.");
        Field(s => s.MarkedSafeBy, nullable: true);
        Field(s => s.MarkedSafeAt, nullable: true);
        Field(s => s.CreatedAt);
        Field(s => s.CreatedBy);
        Field(s => s.UpdatedAt);
        Field(s => s.UpdatedBy, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScriptVersionType>>>>("scriptVersions")
            .Description("Every saved version, newest first.")
            .ResolveAsync(async c => await c.Service<RespondDbContext>().ScriptVersions.AsNoTracking()
                .Where(v => v.ScriptId == c.Source.Id).OrderByDescending(v => v.Version).ToListAsync(c.CancellationToken));
    }
}

public sealed class ScriptVersionType : ObjectGraphType<ScriptVersion>
{
    public ScriptVersionType()
    {
        Name = "ScriptVersion";
        Field<NonNullGraphType<IdGraphType>>("scriptId").Resolve(c => c.Source.ScriptId);
        Field(v => v.Version);
        Field(v => v.Name);
        Field(v => v.Source);
        Field(v => v.ContentHash);
        Field(v => v.DiagnosticsCount).Description("Checker warnings when saved; a version with errors is never saved.");
        Field(v => v.CreatedAt);
        Field(v => v.CreatedBy);
    }
}

public enum ScriptDiagnosticSeverity { Error, Warning }

public sealed class ScriptDiagnosticType : ObjectGraphType<ScriptDiagnostic>
{
    public ScriptDiagnosticType()
    {
        Name = "ScriptDiagnostic";
        Description = "A refusal or compiler message, positioned for the editor (1-based line and column).";
        Field<NonNullGraphType<EnumerationGraphType<ScriptDiagnosticSeverity>>>("severity")
            .Resolve(c => c.Source.IsError ? ScriptDiagnosticSeverity.Error : ScriptDiagnosticSeverity.Warning);
        Field(d => d.Code).Description("A C# compiler id (CS0103) or a sandbox code (docs/scripting.md).");
        Field(d => d.Message);
        Field(d => d.Line);
        Field(d => d.Column);
        Field(d => d.Symbol, nullable: true).Description("What was refused, e.g. System.IO.File.ReadAllText(string).");
    }
}

public sealed record ScriptPayload(Script? Script, IReadOnlyList<UserError> Errors)
{
    public static ScriptPayload Ok(Script s) => new(s, []);
    public static ScriptPayload Fail(params UserError[] errors) => new(null, errors);
}

public sealed class ScriptPayloadType : ObjectGraphType<ScriptPayload>
{
    public ScriptPayloadType()
    {
        Name = "ScriptPayload";
        Field<ScriptType>("script").Resolve(c => c.Source.Script);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
