using System.Text.Json.Nodes;

namespace Respond.Workflows.Runtime;

/// <summary>
/// What a block decided: leave by <c>Port</c>, suspend on <c>Bookmark</c>, or neither (the branch ends here, e.g. an
/// action an ALERT_ONLY rule may not run). <c>Detail</c> goes into the instance's path; <c>DetailWhenRead</c> instead
/// builds it the first time the path step's detail is read (see <see cref="PathStep"/>).
/// </summary>
public readonly record struct BlockResult(string? Port, Bookmark? Bookmark, JsonObject? Detail, Func<JsonObject>? DetailWhenRead = null)
{
    public static BlockResult Take(string port, JsonObject? detail = null) => new(port, null, detail);

    /// <summary>Leaves by <paramref name="port"/>; the detail is built only if someone reads it (a stored run, an alert's reasons, a dry run).</summary>
    public static BlockResult TakeDetailWhenRead(string port, Func<JsonObject> detailWhenRead) => new(port, null, null, detailWhenRead);

    public static BlockResult Suspend(Bookmark bookmark, JsonObject? detail = null) => new(null, bookmark, detail);

    public static BlockResult End(JsonObject? detail = null) => new(null, null, detail);
}
