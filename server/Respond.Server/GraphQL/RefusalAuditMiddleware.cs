using System.Collections.Concurrent;
using GraphQL;
using GraphQL.Instrumentation;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;

namespace Respond.Server.GraphQL;

/// <summary>
/// Audits every authorization refusal of the API in one place (issue 11 point 8), so a new operation is covered without
/// remembering to: a field that throws a refusal code (a missing role, a foreign organization), or a mutation whose payload
/// answers one as a <see cref="UserError"/> (NOT_FOUND, DUAL_CONTROL...). The operation is the field's name in the schema,
/// never the operation name the client chose.
/// </summary>
public sealed class RefusalAuditMiddleware(AuthorizationRefusals refusals) : IFieldMiddleware
{
    private static readonly ConcurrentDictionary<Type, Func<object, IEnumerable<UserError>?>> ErrorsOf = new();

    public ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        ValueTask<object?> resolving;
        try
        {
            resolving = next(context);
        }
        catch (ExecutionError error) when (IsRefusal(error))
        {
            return RethrowAfterRecordingAsync(context, error);
        }
        // Most fields are plain property reads that finish at once and cannot refuse anything: no await for them.
        if (resolving.IsCompletedSuccessfully && context.ParentType != context.Schema.Mutation) return resolving;
        return ObserveAsync(context, resolving);
    }

    private async ValueTask<object?> ObserveAsync(IResolveFieldContext context, ValueTask<object?> resolving)
    {
        object? result;
        try
        {
            result = await resolving;
        }
        catch (ExecutionError error) when (IsRefusal(error))
        {
            await RecordAsync(context, error.Code!, error.Message, null);
            throw;
        }
        if (result is not null && context.ParentType == context.Schema.Mutation && ErrorsOf.GetOrAdd(result.GetType(), PayloadErrors)(result) is { } errors)
            foreach (var refused in errors.Where(e => AuthorizationRefusals.RefusalCodes.Contains(e.Code.ToSchemaName())))
                await RecordAsync(context, refused.Code.ToSchemaName(), refused.Message, refused.Path);
        return result;
    }

    private async ValueTask<object?> RethrowAfterRecordingAsync(IResolveFieldContext context, ExecutionError error)
    {
        await RecordAsync(context, error.Code!, error.Message, null);
        throw error;
    }

    private Task RecordAsync(IResolveFieldContext context, string code, string message, IReadOnlyList<string>? path) =>
        RespondPrincipal.From(context.User) is { } actor
            ? refusals.RecordAsync(actor, context.FieldDefinition.Name, code, message, path)
            : Task.CompletedTask;

    private static bool IsRefusal(ExecutionError error) => error.Code is { } code && AuthorizationRefusals.RefusalCodes.Contains(code);

    /// <summary>Payloads are records with an <c>Errors</c> list of <see cref="UserError"/> (STYLE.md); anything else has none.</summary>
    private static Func<object, IEnumerable<UserError>?> PayloadErrors(Type type)
    {
        var property = type.GetProperty("Errors");
        if (property is null || !typeof(IEnumerable<UserError>).IsAssignableFrom(property.PropertyType)) return _ => null;
        return payload => (IEnumerable<UserError>?)property.GetValue(payload);
    }
}
