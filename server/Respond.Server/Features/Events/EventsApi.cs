using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;

namespace Respond.Server.Features.Events;

/// <summary>
/// `POST /api/events`: the volume path for sensors. A JSON array or NDJSON body (Content-Type
/// application/x-ndjson), read as a stream: events are validated, stored and evaluated chunk by chunk as they arrive.
/// </summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", HandleAsync).RequireAuthorization().DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult, UnauthorizedHttpResult, ForbidHttpResult>> HandleAsync(
        HttpContext http, EventIngestion ingestion, AuthorizationRefusals refusals)
    {
        var by = RespondPrincipal.From(http.User);
        if (by is null) return TypedResults.Unauthorized();
        if (!by.IsInAnyRole(Roles.Admin, Roles.Ingestor))
        {
            await refusals.RecordAsync(by, "POST /api/events", "FORBIDDEN", "Sending events needs the Admin or Ingestor role.");
            return TypedResults.Forbid();
        }
        var ndjson = http.Request.ContentType?.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) == true;
        if (!ndjson && http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return TypedResults.Problem("Send a JSON array (application/json) or NDJSON (application/x-ndjson).", statusCode: 415, title: "Unsupported media type");
        try
        {
            var events = ndjson ? ReadNdjson(http.Request.Body, http.RequestAborted) : ReadArray(http.Request.Body, http.RequestAborted);
            var result = await ingestion.IngestAsync(events, by, "POST /api/events", http.RequestAborted);
            var response = new IngestResponse(result.Accepted, result.Duplicates,
                result.Errors.Select(e => new IngestError(e.Code, e.Message, string.Join('.', e.Path.Skip(1)))).ToList());
            if (result.OverLimit)
                return TypedResults.Problem(result.Errors[0].Message, statusCode: 413, title: "Batch too large",
                    extensions: new Dictionary<string, object?> { ["accepted"] = response.Accepted, ["duplicates"] = response.Duplicates, ["errors"] = response.Errors });
            return TypedResults.Ok(response);
        }
        catch (JsonException ex)
        {
            // Events before the malformed spot were already stored; a replay of the corrected body is harmless.
            return TypedResults.Problem($"The body is not valid JSON near byte {ex.BytePositionInLine} of line {ex.LineNumber + 1}; events before it were processed.",
                statusCode: 400, title: "Malformed JSON");
        }
    }

    private static async IAsyncEnumerable<JsonElement> ReadArray(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, cancellationToken: ct))
            yield return e;
    }

    private static async IAsyncEnumerable<JsonElement> ReadNdjson(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        long line = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonElement element;
            try
            {
                element = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new JsonException(ex.Message, null, line - 1, ex.BytePositionInLine);
            }
            yield return element;
        }
    }

    public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<IngestError> Errors);

    public sealed record IngestError(string Code, string Message, string Path);
}
