using System.Text.Json.Nodes;

namespace Respond.Workflows.Runtime;

/// <summary>
/// What a block decided: leave by <c>Port</c>, suspend on <c>Bookmark</c>, or neither (the branch ends here, e.g. an
/// action an ALERT_ONLY rule may not run). <c>Detail</c> goes into the instance's path.
/// </summary>
public readonly record struct BlockResult(string? Port, Bookmark? Bookmark, JsonObject? Detail)
{
    public static BlockResult Take(string port, JsonObject? detail = null) => new(port, null, detail);

    public static BlockResult Suspend(Bookmark bookmark, JsonObject? detail = null) => new(null, bookmark, detail);

    public static BlockResult End(JsonObject? detail = null) => new(null, null, detail);
}
