using System.Text.Json;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Events;

/// <summary>A stored event as evidence: what arrived, when, and its fields as ingested.</summary>
public sealed class EventType : ObjectGraphType<StoredEvent>
{
    public EventType()
    {
        Name = "Event";
        Description = "An ingested event (API.md EventInput) as stored.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The sender's event id (unique per organization and source).").Resolve(c => c.Source.EventId);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(e => e.Source);
        Field(e => e.Type);
        Field<NonNullGraphType<EnumerationGraphType<Severity>>>("severity").Resolve(c => (Severity)c.Source.Severity);
        Field(e => e.Time);
        Field(e => e.ReceivedAt);
        Field<NonNullGraphType<JsonGraphType>>("fields").Description("Every field of the event as ingested: user, device, src, dst, process, file, raw.")
            .Resolve(c => JsonDocument.Parse(c.Source.Json).RootElement.Clone());
    }
}
