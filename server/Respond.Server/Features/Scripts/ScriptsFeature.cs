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
        // A singleton factory is only called on first resolution: the workers start with the first runScript (checker
        // workers with the first check), not with the server. Both are killed as soon as the host starts stopping, so an
        // in-flight check or run answers at once instead of holding shutdown; the container disposes them again later.
        services.AddSingleton(sp => ScriptWorkerConfinement.Detect(sp.GetRequiredService<IOptions<ScriptWorkerPoolOptions>>().Value));
        services.AddSingleton(sp => Observed(sp, Stopped(sp, "run",
            new ScriptWorkerPool(sp.GetRequiredService<IOptions<ScriptWorkerPoolOptions>>().Value, sp.GetRequiredService<ScriptWorkerConfinement>()))));
        services.AddSingleton(sp => Stopped(sp, "check",
            new ScriptCheckPool(sp.GetRequiredService<IOptions<ScriptWorkerPoolOptions>>().Value, sp.GetRequiredService<ScriptWorkerConfinement>())));
        services.AddSingleton<ScriptExpressionEvaluator>();
        services.AddSingleton<IExpressionEvaluator>(sp => sp.GetRequiredService<ScriptExpressionEvaluator>());
        return services.AddScoped<ScriptStore>().AddScoped<CreateScript>().AddScoped<UpdateScript>()
            .AddScoped<MarkScriptSafe>().AddScoped<RunScript>();
    }

    /// <summary>`respond.scripts.workers{state=busy|idle}`: reported once the pool exists (its first use), never starting it.</summary>
    private static ScriptWorkerPool Observed(IServiceProvider services, ScriptWorkerPool pool)
    {
        services.GetRequiredService<Telemetry.RespondMetrics>().ObserveScriptWorkers(() => (pool.Busy, pool.Workers - pool.Busy));
        return pool;
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
            .ResolveAsync(async c =>
            {
                Author(c);
                return await c.Service<ScriptCheckPool>().CheckAsync(c.GetArgument<string>("source"), c.GetArgument<ScriptKind>("kind"), c.CancellationToken);
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

    /// <summary>Logs what confines <paramref name="pool"/>'s workers and kills them when the host starts stopping.</summary>
    private static T Stopped<T>(IServiceProvider services, string name, T pool) where T : IDisposable
    {
        var logger = services.GetRequiredService<ILogger<ScriptWorkerPool>>();
        var confined = services.GetRequiredService<ScriptWorkerConfinement>();
        ScriptsLog.WorkerConfinement(logger, name, confined.Describe());
        if (confined.Gaps.Count > 0) ScriptsLog.WorkerConfinementGaps(logger, name, string.Join("; ", confined.Gaps));
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            ScriptsLog.WorkersStopping(logger, name);
            pool.Dispose();
        });
        return pool;
    }

    private static RespondPrincipal Author(IResolveFieldContext c) => c.Require(Roles.Admin, Roles.RuleAuthor);
}
