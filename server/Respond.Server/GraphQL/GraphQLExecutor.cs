using System.Diagnostics;
using System.Security.Claims;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Respond.Server.Telemetry;

namespace Respond.Server.GraphQL;

/// <summary>Runs one GraphQL request for either transport, with the transport's rules on which operations it may carry.</summary>
public sealed class GraphQLExecutor(IDocumentExecuter<ISchema> executer, Microsoft.Extensions.Options.IOptions<GraphQLOptions> options)
{
    private readonly IntrospectionBounds _introspectionBounds = new(options.Value.MaxIntrospectionSelections);


    /// <summary>
    /// Executes <paramref name="request"/>. GET passes <paramref name="onlyOperation"/> = query; POST passes null
    /// (queries and mutations); only the WebSocket transport sets <paramref name="allowSubscriptions"/>.
    /// </summary>
    public async Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, ClaimsPrincipal user, IServiceProvider services,
        OperationType? onlyOperation, CancellationToken ct, bool allowSubscriptions = false)
    {
        // The span is named after the operation (its name, else its type): the document itself may carry literals such as
        // passwords or tokens, so it is never recorded.
        using var span = RespondTelemetry.Source.StartActivity("graphql");
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            User = user,
            RequestServices = services,
            CancellationToken = ct,
            ValidationRules = DocumentValidator.CoreRules.Append(new TransportOperationRule(onlyOperation, allowSubscriptions)).Append(_introspectionBounds),
        });
        if (span is not null)
        {
            var type = result.Operation?.Operation.ToString().ToLowerInvariant();
            var name = result.Operation?.Name?.StringValue;
            span.DisplayName = name ?? type ?? "graphql";
            span.SetTag("graphql.operation.type", type).SetTag("graphql.operation.name", name);
            if (result.Errors is { Count: > 0 } errors)
                span.SetStatus(ActivityStatusCode.Error, errors[0].Code ?? "ERROR").SetTag("graphql.error.count", errors.Count);
        }
        return result;
    }

    private sealed class TransportOperationRule(OperationType? only, bool allowSubscriptions) : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
        {
            var operation = context.Operation.Operation;
            if (only is { } required && operation != required)
                context.ReportError(new ValidationError($"Only queries may be sent with GET; send this {operation.ToString().ToLowerInvariant()} with POST.") { Code = UserErrorCode.MutationOverGet.ToSchemaName() });
            else if (operation == OperationType.Subscription && !allowSubscriptions)
                context.ReportError(new ValidationError("Subscriptions need the graphql-transport-ws WebSocket protocol on /graphql.") { Code = UserErrorCode.SubscriptionOverHttp.ToSchemaName() });
            return default;
        }
    }
}
