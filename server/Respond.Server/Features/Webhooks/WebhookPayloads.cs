using System.Text.Json;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Workflows;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// The bodies partners receive (docs/partners.md): <c>{ type, timestamp, organizationId, data }</c>, with <c>data</c>
/// holding the ids and the fields a receiver needs to act without calling back, enums in the API's spelling. A
/// receiver needing more reads it through GraphQL by the ids.
/// </summary>
public static class WebhookPayloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Of(string type, string organizationId, DateTimeOffset at, object data) =>
        JsonSerializer.Serialize(new { type, timestamp = at, organizationId, data }, Json);

    public static object Alert(Alert a) => new
    {
        a.Id,
        a.OrganizationId,
        a.RuleId,
        a.RuleVersion,
        a.RuleName,
        a.Title,
        Severity = ApiEnumName.Format(a.Severity),
        Status = ApiEnumName.Format(a.Status),
        a.Count,
        a.FirstEventAt,
        a.LastEventAt,
        a.CreatedAt,
    };

    public static object Approval(ApprovalRequest r) => new
    {
        r.Id,
        r.OrganizationId,
        Kind = ApiEnumName.Format(r.Kind),
        Status = ApiEnumName.Format(r.Status),
        r.RuleId,
        r.RuleVersion,
        r.AlertId,
        r.EventId,
        r.RequestedBy,
        r.Justification,
        ProposedActions = JsonDocument.Parse(r.ProposedActionsJson).RootElement.Clone(),
        r.ApprovalsRequired,
        r.ApprovalsReceived,
        r.DecidedBy,
        r.DecidedAt,
        r.Comment,
        r.EscalationLevel,
        r.NextEscalationAt,
        r.ExpiresAt,
        r.CreatedAt,
    };

    public static object Action(ResponseAction a) => new
    {
        a.Id,
        a.OrganizationId,
        Type = ApiEnumName.Format(a.Type),
        Status = ApiEnumName.Format(a.Status),
        Source = ApiEnumName.Format(a.Source),
        a.Target,
        a.AlertId,
        a.RuleId,
        a.ApprovalRequestId,
        a.Automatic,
        a.Attempts,
        a.Result,
        a.FailureReason,
        VerificationStatus = ApiEnumName.Format(a.VerificationStatus),
        a.SubmittedAt,
        a.StartedAt,
        a.EndedAt,
        a.Version,
    };
}
