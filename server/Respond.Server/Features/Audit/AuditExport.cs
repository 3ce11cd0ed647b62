using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
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

    /// <summary>Entries read, written and flushed at a time.</summary>
    internal const int PageSize = 1000;

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
        var entries = db.AuditEntries.AsNoTracking().VisibleTo(by).Filter(where, db).Where(a => a.ChainPosition <= sealedThrough);
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"respond-audit-{stamp}.{format}\"";
        http.Response.ContentType = format == "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";
        if (format == "json") await WriteJsonAsync(http.Response.BodyWriter, Pages(entries, ct), ct);
        else await WriteCsvAsync(http.Response.Body, Pages(entries, ct), ct);
        return Results.Empty;
    }

    /// <summary>
    /// The entries in chain order, a page at a time, at most <see cref="MaxEntries"/>: each page is written and flushed
    /// before the next is read, so a large trail streams out instead of being held whole in memory.
    /// </summary>
    private static async IAsyncEnumerable<List<AuditEntry>> Pages(IQueryable<AuditEntry> entries, [EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        for (var left = MaxEntries; left > 0;)
        {
            var page = await entries.Where(a => a.ChainPosition > after).OrderBy(a => a.ChainPosition).Take(Math.Min(PageSize, left)).ToListAsync(ct);
            if (page.Count == 0) yield break;
            yield return page;
            (after, left) = (page[^1].ChainPosition!.Value, left - page.Count);
        }
    }

    private static async Task WriteJsonAsync(PipeWriter body, IAsyncEnumerable<List<AuditEntry>> pages, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(body); // writes into the pipe's buffer; only FlushAsync below sends
        json.WriteStartObject();
        json.WritePropertyName("exportedAt");
        JsonSerializer.Serialize(json, DateTimeOffset.UtcNow, RespondDbContext.JsonOptions);
        json.WriteStartArray("entries");
        await foreach (var page in pages)
        {
            foreach (var e in page) JsonSerializer.Serialize(json, Json(e), RespondDbContext.JsonOptions);
            await json.FlushAsync(ct);
            await body.FlushAsync(ct);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
        await body.FlushAsync(ct);
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

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<List<AuditEntry>> pages, CancellationToken ct)
    {
        await using var csv = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true);
        await csv.WriteAsync("id,at,actorId,actorName,action,subjectType,subjectId,organizations,before,after,previousHash,hash\r\n");
        await foreach (var page in pages)
        {
            foreach (var e in page)
            {
                string[] row =
                [
                    e.Id.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture), e.ActorId, e.ActorName, e.Action, e.SubjectType, e.SubjectId,
                    string.Join(";", OrganizationScope.Decode(e.Organizations)), e.Before ?? "", e.After ?? "", e.PreviousHash ?? "", e.Hash ?? "",
                ];
                await csv.WriteAsync(string.Join(',', row.Select(Cell)) + "\r\n");
            }
            await csv.FlushAsync(ct);
        }
    }

    /// <summary>Quoted, and a leading = + - @ neutralised so a spreadsheet never runs an actor-controlled formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
