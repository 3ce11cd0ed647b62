using System.Globalization;
using System.Text.Json;
using Respond.Workflows;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Events;

/// <summary>Turns stored canonical event JSON into the runtime's event.</summary>
public static class EventMapping
{
    public static WorkflowEvent ToWorkflowEvent(JsonElement json) => new(
        json.GetProperty("id").GetString()!,
        json.GetProperty("organizationId").GetString()!,
        json.GetProperty("source").GetString()!,
        json.GetProperty("type").GetString()!,
        ApiEnumName.TryParse<Severity>(json.GetProperty("severity").GetString(), out var s) ? s : Severity.Informational,
        DateTimeOffset.Parse(json.GetProperty("time").GetString()!, CultureInfo.InvariantCulture),
        json);

    /// <summary>An event read back from the log.</summary>
    public static WorkflowEvent ToWorkflowEvent(StoredEvent e) => ToWorkflowEvent(JsonSerializer.Deserialize<JsonElement>(e.Json));

    /// <summary>
    /// An event as ingested (testRule, the log's tail): its fields are parsed already. Its JSON is read into one
    /// element that owns its memory, with no pooled document to clone it from.
    /// </summary>
    public static WorkflowEvent ToWorkflowEvent(ParsedEvent e)
    {
        var reader = new Utf8JsonReader(e.Utf8Json);
        return new(e.EventId, e.OrganizationId, e.Source, e.Type, e.Severity, e.Time, JsonElement.ParseValue(ref reader));
    }
}
