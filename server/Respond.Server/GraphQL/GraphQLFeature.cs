using GraphQL;
using GraphQL.Execution;
using GraphQLParser.AST;

namespace Respond.Server.GraphQL;

public static class GraphQLFeature
{
    public static IServiceCollection AddRespondGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLOptions>().BindConfiguration(GraphQLOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Messaging.RespondEvents>();
        services.AddSingleton<GraphQLExecutor>();
        services.AddSingleton<GraphQLWebSocketEndpoint>();
        services.AddGraphQL(b => b
            .AddSchema<RespondSchema>()
            .AddSystemTextJson()
            .AddGraphTypes(typeof(RespondSchema).Assembly)
            // Resolvers share one scoped DbContext per request, which is not thread-safe: run query fields one at a time.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            .AddErrorInfoProvider(o => o.ExposeExceptionDetails = false)
            .UseMiddleware<RefusalAuditMiddleware>(serviceLifetime: global::GraphQL.DI.ServiceLifetime.Singleton)
            .AddUnhandledExceptionHandler(ctx =>
            {
                var logger = ctx.Context?.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Respond.GraphQL");
                if (logger is not null) GraphQLLog.UnhandledResolverError(logger, ctx.OriginalException, ctx.FieldContext?.Path is { } p ? string.Join('.', p) : "?");
                // Never echo exception text: it can hold SQL, paths or secrets.
                ctx.ErrorMessage = "Internal error. The server log has the details.";
            })
            .ConfigureExecution(async (options, next) =>
            {
                var result = await next(options);
                foreach (var error in result.Errors ?? [])
                    error.Code ??= UserErrorCode.InternalServerError.ToSchemaName();
                return result;
            })
            .AddComplexityAnalyzer((c, sp) =>
            {
                var limits = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphQLOptions>>().Value;
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
                // Introspection weighs nothing in the complexity count (RespondSchema) and is bounded by IntrospectionBounds;
                // only its depth is left to excuse, up to its own limit.
                c.ValidateComplexityDelegate = check =>
                {
                    if (check.Error is not null && check.MaxDepth <= limits.MaxIntrospectionDepth
                        && IntrospectionBounds.IsIntrospectionOnly(check.ValidationContext.Operation, check.ValidationContext.Document))
                        check.Error = null;
                    return Task.CompletedTask;
                };
            }));
        return services;
    }

    public static IEndpointRouteBuilder MapRespondGraphQL(this IEndpointRouteBuilder app)
    {
        app.Map("/graphql", GraphQLHttpEndpoint.HandleAsync);
        return app;
    }
}
