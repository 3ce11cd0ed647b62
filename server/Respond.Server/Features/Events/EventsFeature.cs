using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Events;

public sealed class EventInputType : InputObjectGraphType
{
    public EventInputType()
    {
        Name = "EventInput";
        Description = "A detection or signal (OCSF-like). Idempotent on (organizationId, source, id).";
        Field<NonNullGraphType<StringGraphType>>("id");
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field<NonNullGraphType<StringGraphType>>("source");
        Field<NonNullGraphType<StringGraphType>>("type").Description("e.g. signin.failed, process.started.");
        Field<NonNullGraphType<EnumerationGraphType<Severity>>>("severity");
        Field<NonNullGraphType<DateTimeScalar>>("time");
        Field<UserEntityInputType>("user");
        Field<DeviceEntityInputType>("device");
        Field<IpEntityInputType>("src");
        Field<IpEntityInputType>("dst");
        Field<ProcessEntityInputType>("process");
        Field<FileEntityInputType>("file");
        Field<JsonGraphType>("raw").Description("The original payload; rules address it as raw.<path>.");
    }
}

public sealed class UserEntityInputType : InputObjectGraphType
{
    public UserEntityInputType()
    {
        Name = "EventUserInput";
        Field<StringGraphType>("id");
        Field<StringGraphType>("name");
        Field<StringGraphType>("email");
    }
}

public sealed class DeviceEntityInputType : InputObjectGraphType
{
    public DeviceEntityInputType()
    {
        Name = "EventDeviceInput";
        Field<StringGraphType>("id");
        Field<StringGraphType>("hostname");
    }
}

public sealed class IpEntityInputType : InputObjectGraphType
{
    public IpEntityInputType()
    {
        Name = "EventEndpointInput";
        Field<StringGraphType>("ip");
    }
}

public sealed class ProcessEntityInputType : InputObjectGraphType
{
    public ProcessEntityInputType()
    {
        Name = "EventProcessInput";
        Field<LongGraphType>("pid");
        Field<StringGraphType>("name");
        Field<StringGraphType>("path");
        Field<StringGraphType>("commandLine");
    }
}

public sealed class FileEntityInputType : InputObjectGraphType
{
    public FileEntityInputType()
    {
        Name = "EventFileInput";
        Field<StringGraphType>("path");
        Field<StringGraphType>("sha256");
    }
}

public sealed class IngestEventsInputType : InputObjectGraphType
{
    public IngestEventsInputType()
    {
        Name = "IngestEventsInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EventInputType>>>>("events");
    }
}

public sealed class IngestEventsPayloadType : ObjectGraphType<IngestResult>
{
    public IngestEventsPayloadType()
    {
        Name = "IngestEventsPayload";
        Field(r => r.Accepted).Description("Events stored now (new).");
        Field(r => r.Duplicates).Description("Events already stored under the same (organizationId, source, id): nothing changed. Counts only your own organizations' events.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors")
            .Description("One per refused event (at most 100), the path naming its index and field; or EVALUATION_BEHIND when the whole batch was refused.").Resolve(c => c.Source.Errors);
        Field<IntGraphType>("retryAfter").Description("With EVALUATION_BEHIND: seconds to wait before sending the batch again (nothing of it was stored).").Resolve(c => c.Source.RetryAfter);
    }
}

public static class EventsFeature
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<SqliteAppendQueue>().AddScoped<EventStore>().AddScoped<EventIngestion>().AddSingleton<Alerts.IAlertEvidenceFields, AlertEvents>();
    }

    public static void Mutation(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<IngestEventsPayloadType>>("ingestEvents")
            .Argument<NonNullGraphType<IngestEventsInputType>>("input")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin, Roles.Ingestor);
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                var events = ((IEnumerable<object?>)input["events"]!).Select(EventText.FromGraphQLInput);
                return await c.Service<EventIngestion>().IngestAsync(events.ToAsyncEnumerable(), by, "ingestEvents", c.CancellationToken);
            });

    /// <summary>GraphQL input objects arrive as dictionaries with CLR enums and dates: write them as the event JSON the REST path takes.</summary>
    internal static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        Dictionary<string, object?> d => new JsonObject(d.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        Severity s => JsonValue.Create(ApiEnumName.Format(s)),
        DateTimeOffset t => JsonValue.Create(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        DateTime t => JsonValue.Create(new DateTimeOffset(t).ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        JsonElement e => JsonNode.Parse(e.GetRawText()),
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        _ => JsonSerializer.SerializeToNode(value),
    };
}

