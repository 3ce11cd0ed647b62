using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Scripts;

public static class ScriptsFeature
{
    /// <summary>Configuration section of <see cref="ScriptWorkerPoolOptions"/> (workers, limits; docs/scripting.md).</summary>
    public const string Section = "Respond:Scripts";

    public static IServiceCollection AddScripts(this IServiceCollection services)
    {
        services.AddOptions<ScriptWorkerPoolOptions>().BindConfiguration(Section)
            .Validate(o => o.Workers >= 1 && o.TimeLimit > TimeSpan.Zero && o.OutputLimitBytes >= 1024,
                "Respond:Scripts needs Workers >= 1, a positive TimeLimit and OutputLimitBytes >= 1024.")
            .ValidateOnStart();
        // A singleton factory is only called on first resolution: the workers start with the first runScript, not with the
        // server, and the container disposes the pool (killing its workers) when the host stops.
        services.AddSingleton(sp => new ScriptWorkerPool(sp.GetRequiredService<IOptions<ScriptWorkerPoolOptions>>().Value));
        services.AddSingleton<ScriptExpressionEvaluator>();
        services.AddSingleton<IExpressionEvaluator>(sp => sp.GetRequiredService<ScriptExpressionEvaluator>());
        return services.AddScoped<ScriptStore>().AddScoped<CreateScript>().AddScoped<UpdateScript>()
            .AddScoped<MarkScriptSafe>().AddScoped<RunScript>();
    }

    public static IQueryable<Script> VisibleTo(this IQueryable<Script> query, RespondPrincipal principal) =>
        query.WhereScopeVisibleTo(s => s.Organizations, principal);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScriptType>>>>("scripts")
            .Description("The script library visible to you, by name.")
            .ResolveAsync(async c => await c.Service<RespondDbContext>().Scripts.AsNoTracking().VisibleTo(c.RequireReader())
                .OrderBy(s => s.Name).ThenBy(s => s.Id).ToListAsync(c.CancellationToken));
        query.Field<ScriptType>("script")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var id = c.GetArgument<string>("id");
                return await c.Service<RespondDbContext>().Scripts.AsNoTracking().VisibleTo(by).SingleOrDefaultAsync(s => s.Id == id, c.CancellationToken);
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScriptDiagnosticType>>>>("validateScript")
            .Description("The script check's refusals and compiler messages for the editor; empty (or warnings only) means it may run. Nothing runs.")
            .Argument<NonNullGraphType<StringGraphType>>("source")
            .Argument<NonNullGraphType<EnumerationGraphType<ScriptKind>>>("kind")
            .Resolve(c =>
            {
                Author(c);
                return ScriptChecker.Check(c.GetArgument<string>("source"), c.GetArgument<ScriptKind>("kind"), c.CancellationToken,
                    c.Service<IOptions<ScriptWorkerPoolOptions>>().Value.CheckTimeLimit);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ScriptPayloadType>>("createScript").Argument<NonNullGraphType<CreateScriptInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateScript>().ExecuteAsync(c.GetArgument<CreateScriptInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<ScriptPayloadType>>("updateScript").Argument<NonNullGraphType<UpdateScriptInputType>>("input")
            .ResolveAsync(async c => await c.Service<UpdateScript>().ExecuteAsync(c.GetArgument<UpdateScriptInput>("input"), Author(c), c.CancellationToken));
        mutation.Field<NonNullGraphType<ScriptPayloadType>>("markScriptSafe").Argument<NonNullGraphType<MarkScriptSafeInputType>>("input")
            .ResolveAsync(async c => await c.Service<MarkScriptSafe>().ExecuteAsync(c.GetArgument<MarkScriptSafeInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RunScriptPayloadType>>("runScript").Argument<NonNullGraphType<RunScriptInputType>>("input")
            .Description("A dry run of a library script in the worker pool: requested actions are reported, never executed.")
            .ResolveAsync(async c => await c.Service<RunScript>().ExecuteAsync(c.GetArgument<RunScriptInput>("input"), Author(c), c.CancellationToken));
    }

    private static RespondPrincipal Author(IResolveFieldContext c) => c.Require(Roles.Admin, Roles.RuleAuthor);
}
