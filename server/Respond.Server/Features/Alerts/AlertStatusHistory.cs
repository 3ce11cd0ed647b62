using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Alerts;

/// <summary>One status an alert had: NEW when the rule raised it, then each acknowledge or close from the audit trail.</summary>
public sealed record AlertStatusChange(AlertStatus Status, DateTimeOffset At, string Actor, string? Comment);

public sealed class AlertStatusChangeType : ObjectGraphType<AlertStatusChange>
{
    public AlertStatusChangeType()
    {
        Name = "AlertStatusChange";
        Field<NonNullGraphType<EnumerationGraphType<AlertStatus>>>("status").Resolve(c => c.Source.Status);
        Field(s => s.At);
        Field(s => s.Actor).Description("Who: the person's user name or client id; the rule's name for NEW.");
        Field(s => s.Comment, nullable: true);
    }
}

public static class AlertStatusHistory
{
    /// <summary>The audit trail is the history: <c>alert.acknowledged</c> / <c>alert.closed</c> entries, in order.</summary>
    public static async Task<List<AlertStatusChange>> OfAsync(RespondDbContext db, Alert alert, CancellationToken ct)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.SubjectType == "Alert" && e.SubjectId == alert.Id && (e.Action == "alert.acknowledged" || e.Action == "alert.closed"))
            .OrderBy(e => e.Id).Select(e => new { e.Action, e.At, e.ActorName, e.After }).ToListAsync(ct);
        var history = new List<AlertStatusChange> { new(AlertStatus.New, alert.CreatedAt, $"rule \"{alert.RuleName}\"", null) };
        history.AddRange(entries.Select(e => new AlertStatusChange(
            e.Action == "alert.closed" ? AlertStatus.Closed : AlertStatus.Acknowledged, e.At, e.ActorName, Comment(e.After))));
        return history;
    }

    private static string? Comment(string? after)
    {
        if (after is null) return null;
        using var json = System.Text.Json.JsonDocument.Parse(after);
        return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
            && (json.RootElement.TryGetProperty("comment", out var c) || json.RootElement.TryGetProperty("Comment", out c))
            && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;
    }
}
