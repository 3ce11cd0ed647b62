using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Audit;

/// <summary>
/// <c>GET /api/audit/export?format=json|csv</c> with the auditTrail filters as query parameters (organizationId, actorId,
/// action, subjectType, subjectId, actionId, alertId, from, to): the compliance report of seed 002, in chain order (oldest
/// first). The JSON export carries every hashed field and the chain position, so tools/verify-audit-export.py can check
/// the chain without Respond.
/// </summary>
public static class AuditExport
{
    public const int MaxEntries = 100_000;

    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit/export", HandleAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, RespondDbContext db, AuditChain chain, AuthorizationRefusals refusals, CancellationToken ct)
    {
        var by = RespondPrincipal.From(http.User);
        if (by is null || !by.CanRead)
        {
            if (by is not null) await refusals.RecordAsync(by, "GET /api/audit/export", UserErrorCode.Forbidden.ToSchemaName(), "Exporting the audit trail needs a reading role.");
            return Results.Problem("Exporting the audit trail needs a reading role.", statusCode: 403);
        }
        var query = http.Request.Query;
        var format = query["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "json";
        if (format is not ("json" or "csv")) return Results.Problem("format must be json or csv.", statusCode: 400);
        DateTimeOffset? Time(string key)
        {
            var text = query[key].ToString();
            return text.Length == 0 ? null : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new FormatException(key);
        }
        AuditFilter where;
        try
        {
            string? Text(string key) => query[key].ToString() is { Length: > 0 } v ? v : null;
            where = new AuditFilter(Text("organizationId"), Text("actorId"), Text("action"), Text("subjectType"), Text("subjectId"), Time("from"), Time("to"),
                Text("actionId"), Text("alertId"));
        }
        catch (FormatException ex)
        {
            return Results.Problem($"{ex.Message} is not an ISO-8601 time.", statusCode: 400);
        }

        var sealedThrough = await chain.SealAsync(ct); // an entry written after the seal has no hash yet: it goes in the next export
        var entries = await db.AuditEntries.AsNoTracking().VisibleTo(by).Filter(where, db).Where(a => a.ChainPosition <= sealedThrough).OrderBy(a => a.ChainPosition)
            .Take(MaxEntries).ToListAsync(ct);
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"respond-audit-{stamp}.{format}\"";
        return format == "json"
            ? Results.Text(JsonSerializer.Serialize(new { exportedAt = DateTimeOffset.UtcNow, entries = entries.Select(Json) }, RespondDbContext.JsonOptions), "application/json", Encoding.UTF8)
            : Results.Text(Csv(entries), "text/csv", Encoding.UTF8);
    }

    private static object Json(AuditEntry e) => new
    {
        id = e.Id,
        at = e.At,
        atTicks = e.At.UtcTicks,
        actorId = e.ActorId,
        actorName = e.ActorName,
        action = e.Action,
        subjectType = e.SubjectType,
        subjectId = e.SubjectId,
        organizations = e.Organizations,
        before = e.Before,
        after = e.After,
        previousHash = e.PreviousHash,
        hash = e.Hash,
        chainPosition = e.ChainPosition,
    };

    private static string Csv(IEnumerable<AuditEntry> entries)
    {
        var csv = new StringBuilder("id,at,actorId,actorName,action,subjectType,subjectId,organizations,before,after,previousHash,hash\r\n");
        foreach (var e in entries)
        {
            string[] row =
            [
                e.Id.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture), e.ActorId, e.ActorName, e.Action, e.SubjectType, e.SubjectId,
                string.Join(";", OrganizationScope.Decode(e.Organizations)), e.Before ?? "", e.After ?? "", e.PreviousHash ?? "", e.Hash ?? "",
            ];
            csv.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>Quoted, and a leading = + - @ neutralised so a spreadsheet never runs an actor-controlled formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
