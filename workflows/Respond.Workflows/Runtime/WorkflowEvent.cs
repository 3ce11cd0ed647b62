using System.Text.Json;

namespace Respond.Workflows.Runtime;

/// <summary>
/// An ingested event as the runtime sees it: the typed header plus the whole event JSON (API.md's
/// EventInput shape) that field paths like <c>user.id</c> or <c>raw.country</c> address.
/// </summary>
public sealed record WorkflowEvent(
    string Id,
    string OrganizationId,
    string Source,
    string Type,
    Severity Severity,
    DateTimeOffset Time,
    JsonElement Json);
