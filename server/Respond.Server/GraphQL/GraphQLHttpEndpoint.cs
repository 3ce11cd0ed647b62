using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Respond.Server.GraphQL;

/// <summary>
/// GraphQL over HTTP (graphql-http spec): POST with application/json for everything, GET for queries only,
/// responses in application/graphql-response+json (4xx on request errors) or application/json (always 200).
/// </summary>
internal static class GraphQLHttpEndpoint
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    private const string Json = "application/json";

    public static async Task HandleAsync(HttpContext http, GraphQLExecutor executor, IGraphQLTextSerializer serializer, IOptions<GraphQLOptions> options)
    {
        if (http.WebSockets.IsWebSocketRequest)
        {
            await http.RequestServices.GetRequiredService<GraphQLWebSocketEndpoint>().HandleAsync(http);
            return;
        }

        var mediaType = NegotiateMediaType(http.Request);
        if (mediaType is null)
        {
            await WriteErrorAsync(http, serializer, StatusCodes.Status406NotAcceptable, Json, UserErrorCode.NotAcceptable,
                $"Accept must allow {GraphQLResponseJson} or {Json}.");
            return;
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "GET, POST";
            await WriteErrorAsync(http, serializer, StatusCodes.Status405MethodNotAllowed, mediaType, UserErrorCode.MethodNotAllowed, "Use GET for queries or POST.");
            return;
        }
        if (http.User.Identity?.IsAuthenticated != true)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(http, serializer, StatusCodes.Status401Unauthorized, mediaType, UserErrorCode.Unauthenticated,
                "A bearer access token from /connect/token is required.");
            return;
        }

        var parsed = HttpMethods.IsGet(http.Request.Method)
            ? ReadGet(http.Request, serializer)
            : await ReadPostAsync(http.Request, serializer, options.Value, http.RequestAborted);
        if (parsed.Error is { } error)
        {
            await WriteErrorAsync(http, serializer, error.Status, mediaType, error.Code, error.Message);
            return;
        }

        var isGet = HttpMethods.IsGet(http.Request.Method);
        var results = new List<ExecutionResult>(parsed.Requests!.Count);
        foreach (var request in parsed.Requests)
            results.Add(await executor.ExecuteAsync(request, http.User, http.RequestServices, isGet ? OperationType.Query : null, http.RequestAborted));

        http.Response.ContentType = mediaType + "; charset=utf-8";
        // Spec: with application/graphql-response+json a request error (nothing executed) is a 4xx;
        // application/json keeps the legacy 200 for every well-formed request.
        var single = results.Count == 1 && !parsed.IsBatch ? results[0] : null;
        if (single?.Errors?.Any(e => e.Code == UserErrorCode.MutationOverGet.ToSchemaName()) == true)
        {
            http.Response.Headers.Allow = "POST";
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        }
        else if (single is { Executed: false } && mediaType == GraphQLResponseJson)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        if (single is not null) await serializer.WriteAsync(http.Response.Body, single, http.RequestAborted);
        else await serializer.WriteAsync(http.Response.Body, results, http.RequestAborted);
    }

    /// <summary>Picks the response media type; null when the client accepts neither JSON type (406).</summary>
    internal static string? NegotiateMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept is null || accept.Count == 0) return GraphQLResponseJson;
        foreach (var value in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (value.Quality == 0) continue;
            if (value.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase)) return GraphQLResponseJson;
            if (value.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)) return Json;
            if (value.MediaType.Equals("*/*", StringComparison.Ordinal) || value.MediaType.Equals("application/*", StringComparison.Ordinal))
                return Json;
        }
        return null;
    }

    private static ParsedRequest ReadGet(HttpRequest request, IGraphQLTextSerializer serializer)
    {
        var q = request.Query;
        if (!q.TryGetValue("query", out var query) || string.IsNullOrEmpty(query))
            return ParsedRequest.Fail(400, UserErrorCode.BadRequest, "The 'query' parameter is missing.");
        try
        {
            var r = new GraphQLRequest
            {
                Query = query.ToString(),
                OperationName = q.TryGetValue("operationName", out var op) && !string.IsNullOrEmpty(op) ? op.ToString() : null,
                Variables = q.TryGetValue("variables", out var v) && !string.IsNullOrEmpty(v) ? serializer.Deserialize<Inputs>(v.ToString()) : null,
                Extensions = q.TryGetValue("extensions", out var e) && !string.IsNullOrEmpty(e) ? serializer.Deserialize<Inputs>(e.ToString()) : null,
            };
            return new ParsedRequest([r], false, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return ParsedRequest.Fail(400, UserErrorCode.BadRequest, "'variables' and 'extensions' must be JSON objects.");
        }
    }

    private static async Task<ParsedRequest> ReadPostAsync(HttpRequest request, IGraphQLTextSerializer serializer, GraphQLOptions options, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase))
            return ParsedRequest.Fail(415, UserErrorCode.UnsupportedMediaType, "Content-Type must be application/json.");
        if (contentType.Charset.HasValue && !contentType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return ParsedRequest.Fail(415, UserErrorCode.UnsupportedMediaType, "Only the utf-8 charset is accepted.");
        if (request.ContentLength > options.MaxRequestBytes)
            return ParsedRequest.Fail(413, UserErrorCode.RequestTooLarge, $"The request body is larger than {options.MaxRequestBytes} bytes.");

        var body = await ReadLimitedAsync(request.Body, options.MaxRequestBytes, ct);
        if (body is null)
            return ParsedRequest.Fail(413, UserErrorCode.RequestTooLarge, $"The request body is larger than {options.MaxRequestBytes} bytes.");

        // JSON parsing accepts invalid UTF-8 inside strings and decoding would turn it into U+FFFD: refuse it here.
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return ParsedRequest.Fail(400, UserErrorCode.BadRequest, "The body is not valid UTF-8.");

        JsonValueKind kind;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
            kind = doc.RootElement.ValueKind;
            var problem = kind switch
            {
                JsonValueKind.Object => CheckShape(doc.RootElement),
                JsonValueKind.Array when doc.RootElement.GetArrayLength() == 0 => "A batch must hold at least one request.",
                JsonValueKind.Array when doc.RootElement.GetArrayLength() > options.MaxBatchSize =>
                    $"A batch may hold at most {options.MaxBatchSize} requests; this one holds {doc.RootElement.GetArrayLength()}.",
                JsonValueKind.Array => doc.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? CheckShape(e) : "Every batch entry must be a JSON object.").FirstOrDefault(p => p is not null),
                _ => "The body must be a JSON object (or an array of them for a batch).",
            };
            if (problem is not null) return ParsedRequest.Fail(400, UserErrorCode.BadRequest, problem);
        }
        catch (JsonException)
        {
            return ParsedRequest.Fail(400, UserErrorCode.BadRequest, "The body is not valid JSON.");
        }

        try
        {
            var requests = kind == JsonValueKind.Array
                ? serializer.Deserialize<GraphQLRequest[]>(Encoding.UTF8.GetString(body))!.ToList()
                : [serializer.Deserialize<GraphQLRequest>(Encoding.UTF8.GetString(body))!];
            return new ParsedRequest(requests, kind == JsonValueKind.Array, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return ParsedRequest.Fail(400, UserErrorCode.BadRequest, "The request does not have the shape { query, variables?, operationName?, extensions? }.");
        }
    }

    private static string? CheckShape(JsonElement request)
    {
        if (!request.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String || query.GetString()!.Length == 0)
            return "'query' must be a non-empty string.";
        if (request.TryGetProperty("variables", out var v) && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return "'variables' must be a JSON object.";
        if (request.TryGetProperty("operationName", out var o) && o.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            return "'operationName' must be a string.";
        if (request.TryGetProperty("extensions", out var e) && e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return "'extensions' must be a JSON object.";
        return null;
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer (a chunked body has no Content-Length to check).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task WriteErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, string mediaType, UserErrorCode code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code.ToSchemaName() }] };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private sealed record ParsedRequest(IReadOnlyList<GraphQLRequest>? Requests, bool IsBatch, (int Status, UserErrorCode Code, string Message)? Error)
    {
        public static ParsedRequest Fail(int status, UserErrorCode code, string message) => new(null, false, (status, code, message));
    }
}
