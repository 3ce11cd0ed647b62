using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Respond.Server.GraphQL;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;

namespace Respond.Server.Features.Events;

/// <summary>
/// `POST /api/events`: the volume path for sensors. A JSON array or NDJSON body (Content-Type
/// application/x-ndjson), read as a stream: events are validated and appended to the log chunk by chunk as they arrive;
/// the answer comes once they are durable (evaluation follows from the log). 503 + Retry-After when evaluation is too far behind.
/// </summary>
public static class EventsApi
{
    private const string NotAnArray = "The body must be a JSON array of events (or NDJSON, one event per line, sent as application/x-ndjson).";

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
            await refusals.RecordAsync(by, "POST /api/events", UserErrorCode.Forbidden.ToSchemaName(), "Sending events needs the Admin or Ingestor role.");
            return TypedResults.Forbid();
        }
        var ndjson = http.Request.ContentType?.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) == true;
        if (!ndjson && http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return TypedResults.Problem("Send a JSON array (application/json) or NDJSON (application/x-ndjson).", statusCode: 415, title: "Unsupported media type");
        try
        {
            var events = ndjson ? ReadNdjson(http.Request.Body, http.RequestAborted) : ReadArray(http.Request.Body, http.RequestAborted);
            var result = await ingestion.IngestAsync(events, by, "POST /api/events", http.RequestAborted);
            if (result.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(result.Errors[0].Message, statusCode: 503, title: "Evaluation behind",
                    extensions: new Dictionary<string, object?> { ["code"] = result.Errors[0].Code.ToSchemaName(), ["retryAfter"] = retryAfter });
            }
            var response = new IngestResponse(result.Accepted, result.Duplicates,
                result.Errors.Select(e => new IngestError(e.Code.ToSchemaName(), e.Message, string.Join('.', e.Path.Skip(1)))).ToList());
            // Text that is not Unicode is a broken sender, not a bad event: the request fails and says which event.
            if (result.Errors.FirstOrDefault(e => e.Code == UserErrorCode.InvalidEncoding) is { } badText)
                return TypedResults.Problem($"{badText.Message}. The other events were processed as 'errors' says; a replay of the corrected body is harmless.",
                    statusCode: 400, title: "Invalid text encoding",
                    extensions: new Dictionary<string, object?> { ["accepted"] = response.Accepted, ["duplicates"] = response.Duplicates, ["errors"] = response.Errors });
            if (result.OverLimit)
                return TypedResults.Problem(result.Errors[0].Message, statusCode: 413, title: "Batch too large",
                    extensions: new Dictionary<string, object?> { ["accepted"] = response.Accepted, ["duplicates"] = response.Duplicates, ["errors"] = response.Errors });
            return TypedResults.Ok(response);
        }
        catch (JsonException ex)
        {
            // Events before the malformed spot were already stored; a replay of the corrected body is harmless.
            return TypedResults.Problem(ex.Message == NotAnArray ? NotAnArray
                    : $"The body is not valid JSON near byte {ex.BytePositionInLine} of line {ex.LineNumber + 1}; events before it were processed.",
                statusCode: 400, title: "Malformed JSON");
        }
    }

    /// <summary>
    /// The elements of a JSON array body, each as soon as it is whole in the request's buffer. An element is parsed where
    /// it lies, not copied into a document of its own, so it is valid until the next one is asked for (ingestion copies
    /// what it keeps).
    /// </summary>
    private static async IAsyncEnumerable<JsonElement> ReadArray(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = PipeReader.Create(body);
        var state = new JsonReaderState();
        var atStart = true;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(ct);
                var buffer = read.Buffer;
                if (atStart)
                {
                    if (buffer.Length < 3 && !read.IsCompleted)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    if (new SequenceReader<byte>(buffer).IsNext("\uFEFF"u8)) buffer = buffer.Slice(3); // a UTF-8 byte order mark
                    atStart = false;
                }
                while (NextElement(ref buffer, read.IsCompleted, ref state) is { } element)
                {
                    using var document = JsonDocument.Parse(element);
                    yield return document.RootElement;
                }
                if (read.IsCompleted) break;
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>
    /// The next element of the body's array that is whole in <paramref name="buffer"/>, or null when none is: the buffer
    /// then begins where reading goes on once more has arrived, and the state is the reader's there (it keeps the line
    /// and byte a malformed spot is reported at). Throws <see cref="JsonException"/> for malformed JSON, or a body that
    /// is not one array.
    /// </summary>
    private static ReadOnlySequence<byte>? NextElement(ref ReadOnlySequence<byte> buffer, bool final, ref JsonReaderState state)
    {
        var json = new Utf8JsonReader(buffer, final, state);
        while (true)
        {
            var before = json;
            if (!json.Read())
            {
                (buffer, state) = (buffer.Slice(before.Position), before.CurrentState);
                return null;
            }
            if (json.CurrentDepth == 0)
            {
                if (json.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray) continue;
                throw new JsonException(NotAnArray);
            }
            var start = json.TokenStartIndex;
            if (json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !json.TrySkip())
            {
                (buffer, state) = (buffer.Slice(before.Position), before.CurrentState);
                return null;
            }
            var element = buffer.Slice(start, json.Position);
            (buffer, state) = (buffer.Slice(json.Position), json.CurrentState);
            return element;
        }
    }

    /// <summary>
    /// One event per line, split on the raw bytes: a text decoder would silently turn invalid UTF-8 into U+FFFD, and the
    /// parser must see the bytes as sent to refuse them. As with an array, an event is valid until the next is asked for.
    /// </summary>
    private static async IAsyncEnumerable<JsonElement> ReadNdjson(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = PipeReader.Create(body);
        long line = 0;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(ct);
                var buffer = read.Buffer;
                while (NextLine(ref buffer, read.IsCompleted) is { } text)
                {
                    using var document = Parse(text, line++);
                    if (document is not null) yield return document.RootElement;
                }
                if (read.IsCompleted) break;
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>The next line without its end of line; the rest of a completed body counts as the last line.</summary>
    private static ReadOnlySequence<byte>? NextLine(ref ReadOnlySequence<byte> buffer, bool completed)
    {
        if (buffer.PositionOf((byte)'\n') is { } end)
        {
            var line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            return line;
        }
        if (!completed || buffer.IsEmpty) return null;
        var last = buffer;
        buffer = buffer.Slice(buffer.End);
        return last;
    }

    private static JsonDocument? Parse(ReadOnlySequence<byte> text, long line)
    {
        if (line == 0 && text.FirstSpan.StartsWith("\uFEFF"u8)) text = text.Slice(3); // a UTF-8 byte order mark
        var blank = true;
        foreach (var segment in text)
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0) blank = false;
        if (blank) return null;
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new JsonException(ex.Message, null, line, ex.BytePositionInLine);
        }
    }

    public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<IngestError> Errors);

    public sealed record IngestError(string Code, string Message, string Path);
}
