using System.ComponentModel.DataAnnotations;

namespace Respond.Server.GraphQL;

/// <summary>Limits that keep one client from tying up the server (`Respond:GraphQL`).</summary>
public sealed class GraphQLOptions
{
    public const string Section = "Respond:GraphQL";

    /// <summary>Largest request body, in bytes. Rule definitions are the big inputs; 500 nodes fit in well under 1 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024)] public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>Most operations in one batched (JSON array) POST.</summary>
    [Range(1, 100)] public int MaxBatchSize { get; set; } = 10;
    [Range(2, 100)] public int MaxDepth { get; set; } = 15;
    [Range(10, 10_000_000)] public int MaxComplexity { get; set; } = 50_000;
    /// <summary>
    /// Depth allowed to an operation that only introspects (`__schema`, `__type`): graphql-js' standard query nests
    /// `ofType` nine deep under types › fields › args. Introspection is bounded by <see cref="MaxIntrospectionSelections"/>
    /// and never nests a list in itself, so this depth costs nothing extra.
    /// </summary>
    [Range(2, 100)] public int MaxIntrospectionDepth { get; set; } = 30;
    /// <summary>Introspection selections one operation may expand to (fragments and aliases counted); the standard query needs about 150.</summary>
    [Range(100, 100_000)] public int MaxIntrospectionSelections { get; set; } = 2_000;
    /// <summary>How long a WebSocket may stay open without `connection_init` (graphql-transport-ws closes it with 4408).</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// How often an open WebSocket checks that its token still stands (not revoked, principal still there); expiry
    /// itself closes the socket at the token's expiry time, without waiting for this check.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan TokenRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Messages queued for one WebSocket before the subscriber is considered too slow and disconnected.</summary>
    [Range(16, 1_000_000)] public int MaxQueuedMessages { get; set; } = 10_000;
}
