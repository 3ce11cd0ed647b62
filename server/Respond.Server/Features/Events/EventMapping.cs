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
    public static WorkflowEvent ToWorkflowEvent(StoredEvent e)
    {
        using var json = JsonDocument.Parse(e.Json);
        return ToWorkflowEvent(json.RootElement.Clone());
    }

    /// <summary>An event as ingested (testRule): its fields are parsed already; the parse's pooled buffers go back after the copy.</summary>
    public static WorkflowEvent ToWorkflowEvent(ParsedEvent e)
    {
        using var json = JsonDocument.Parse(e.Utf8Json);
        return new(e.EventId, e.OrganizationId, e.Source, e.Type, e.Severity, e.Time, json.RootElement.Clone());
    }
}
