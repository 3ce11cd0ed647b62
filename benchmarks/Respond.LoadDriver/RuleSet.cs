using System.Text.Json.Nodes;

namespace Respond.LoadDriver;

/// <summary>A rule to create: its kind (for the report), name and definition (docs/rule-format.md).</summary>
public sealed record BenchRule(string Kind, string Name, JsonObject Definition);

/// <summary>
/// The benchmark's rules: 40 <c>condition.match</c> → alert rules (most never match, some match rarely), 40
/// <c>condition.threshold</c> rules (5 events of one user in PT10M, half behind a pre-filter), 20 rules whose alert
/// has <c>suppressFor</c> (frequent matches, few groups: most matches are absorbed), all over six event types. The
/// latency rule (<c>bench.alert</c> → alert titled with the event id, no suppression) comes on top.
/// </summary>
public static class RuleSet
{
    public const string LatencyTitlePrefix = "bench ";

    /// <summary>The base set: 40 match, 40 threshold, 20 suppressed.</summary>
    public const int BaseCount = 100;

    /// <summary>
    /// <paramref name="count"/> - <see cref="BaseCount"/> more <c>condition.match</c> → alert rules over the ten match shapes
    /// of the base set (eq, in, contains, cidr IPv4 and IPv6), with values no generated event holds: a rule library where
    /// almost nothing matches, which is what real libraries of thousands of detections look like on one tenant's traffic.
    /// </summary>
    public static List<BenchRule> Library(int count)
    {
        var rules = new List<BenchRule>();
        for (var k = 0; k < count - BaseCount; k++)
        {
            var type = EventGenerator.Types[k % EventGenerator.Types.Length];
            var (list, condition) = (k % 10) switch
            {
                0 => ("all", Cond("user.id", "eq", $"u-retired-{k}")),
                1 => ("any", Cond("process.name", "in", new JsonArray($"tool-{k}.exe", $"agent-{k}.exe"))),
                2 => ("any", Cond("process.commandLine", "contains", $"marker-{k}::")),
                3 => ("any", Cond("dst.ip", "cidr", new JsonArray($"100.{64 + (k / 256 % 64)}.{k % 256}.0/24"))),
                4 => ("all", Cond("raw.location.country", "eq", $"X{k}")),
                5 => ("any", Cond("src.ip", "cidr", $"100.{64 + (k / 256 % 64)}.{k % 256}.0/24")),
                6 => ("any", Cond("user.id", "in", new JsonArray($"u-gone-{k}", $"u-left-{k}"))),
                7 => ("all", Cond("file.path", "contains", $"\\Marker{k}\\")),
                8 => ("any", Cond("dst.ip", "cidr", new JsonArray($"fd00:{k:x}::/48"))),
                _ => ("all", Cond("process.commandLine", "contains", $" -m{k} ")),
            };
            var match = new JsonObject { [list] = new JsonArray(condition) };
            if (k % 10 == 9) match["all"]!.AsArray().Add(Cond("severity", "in", new JsonArray("HIGH", "CRITICAL")));
            rules.Add(new BenchRule("library", $"bench library {k:D5} ({type})", Graph(
                Trigger(type),
                Node("match", "condition.match", match),
                Node("alert", "alert.create", new JsonObject { ["title"] = $"Library {k:D5} on {{{{device.hostname}}}}", ["severity"] = "HIGH" }),
                [Edge("trigger", "match"), Edge("match", "alert", "true")])));
        }
        return rules;
    }

    public static List<BenchRule> Build()
    {
        var rules = new List<BenchRule>();
        for (var i = 0; i < 40; i++)
        {
            var type = EventGenerator.Types[i % EventGenerator.Types.Length];
            var (list, condition) = (i % 10) switch
            {
                0 => ("all", Cond("user.id", "eq", "u-nobody-" + i)),
                1 => ("any", Cond("process.name", "in", new JsonArray("mimikatz.exe", "procdump.exe"))),
                2 => ("any", Cond("process.commandLine", "contains", "sekurlsa")),
                3 => ("any", Cond("dst.ip", "cidr", new JsonArray("198.51.100.0/24"))),
                4 => ("all", Cond("raw.location.country", "eq", "KP")),
                5 => ("any", Cond("src.ip", "cidr", "192.0.2.0/24")),
                6 => ("any", Cond("user.id", "in", new JsonArray("u-hot-98", "u-hot-99"))),
                7 => ("all", Cond("file.path", "contains", "\\Windows\\Temp\\")),
                8 => ("any", Cond("dst.ip", "cidr", new JsonArray("2001:db8:ffff::/48"))),
                _ => ("all", Cond("process.commandLine", "contains", " -enc ")),
            };
            var match = new JsonObject { [list] = new JsonArray(condition) };
            if (i % 10 == 9) match["all"]!.AsArray().Add(Cond("severity", "in", new JsonArray("HIGH", "CRITICAL")));
            rules.Add(new BenchRule("match", $"bench match {i:D2} ({type})", Graph(
                Trigger(type),
                Node("match", "condition.match", match),
                Node("alert", "alert.create", new JsonObject { ["title"] = $"Match {i:D2} on {{{{device.hostname}}}}", ["severity"] = "HIGH" }),
                [Edge("trigger", "match"), Edge("match", "alert", "true")])));
        }
        for (var i = 0; i < 40; i++)
        {
            var type = EventGenerator.Types[i % 5];
            var nodes = new List<JsonObject> { Trigger(type) };
            var edges = new List<JsonObject>();
            var before = "trigger";
            JsonObject? filter = ((i / 5) % 4) switch
            {
                1 => new JsonObject { ["any"] = new JsonArray(Cond("src.ip", "cidr", "203.0.113.0/24")) },
                2 => new JsonObject { ["all"] = new JsonArray(Cond("severity", "in", new JsonArray("MEDIUM", "HIGH", "CRITICAL"))) },
                3 => new JsonObject { ["any"] = new JsonArray(Cond("raw.location.country", "neq", "US")) },
                _ => null,
            };
            if (filter is not null)
            {
                nodes.Add(Node("filter", "condition.match", filter));
                edges.Add(Edge("trigger", "filter"));
                before = "filter";
            }
            nodes.Add(Node("burst", "condition.threshold", new JsonObject { ["groupBy"] = new JsonArray("user.id"), ["count"] = 5, ["window"] = "PT10M" }));
            nodes.Add(Node("alert", "alert.create", new JsonObject { ["title"] = $"Threshold {i:D2}: 5 × {{{{type}}}} for {{{{user.id}}}}", ["severity"] = "HIGH" }));
            edges.Add(before == "trigger" ? Edge("trigger", "burst") : Edge(before, "burst", "true"));
            edges.Add(Edge("burst", "alert", "true"));
            rules.Add(new BenchRule("threshold", $"bench threshold {i:D2} ({type})", Graph(nodes, edges)));
        }
        for (var i = 0; i < 20; i++)
        {
            var type = EventGenerator.Types[i % EventGenerator.Types.Length];
            var match = (i % 4) switch
            {
                0 => new JsonObject { ["any"] = new JsonArray(Cond("process.name", "in", new JsonArray("powershell.exe", "cmd.exe"))) },
                1 => new JsonObject { ["all"] = new JsonArray(Cond("raw.location.country", "eq", "BR")) },
                2 => new JsonObject { ["any"] = new JsonArray(Cond("dst.ip", "cidr", "2001:db8::/32")) },
                _ => new JsonObject { ["all"] = new JsonArray(Cond("severity", "in", new JsonArray("HIGH", "CRITICAL"))) },
            };
            rules.Add(new BenchRule("suppressed", $"bench suppressed {i:D2} ({type})", Graph(
                Trigger(type),
                Node("match", "condition.match", match),
                Node("alert", "alert.create", new JsonObject
                {
                    ["title"] = $"Suppressed {i:D2} in {{{{organizationId}}}}",
                    ["severity"] = "MEDIUM",
                    ["suppressFor"] = "PT1H",
                }),
                [Edge("trigger", "match"), Edge("match", "alert", "true")])));
        }
        return rules;
    }

    /// <summary>The latency probe's rule: every bench.alert event raises a new alert whose title carries the event id.</summary>
    public static BenchRule Latency() => new("latency", "bench latency probe", Graph(
        Trigger(EventGenerator.BenchAlertType),
        Node("alert", "alert.create", new JsonObject { ["title"] = LatencyTitlePrefix + "{{id}}", ["severity"] = "LOW" }),
        [Edge("trigger", "alert")]));

    private static JsonObject Cond(string field, string op, JsonNode value) => new() { ["field"] = field, ["op"] = op, ["value"] = value };

    private static JsonObject Trigger(string type) =>
        Node("trigger", "trigger.event", new JsonObject { ["eventTypes"] = new JsonArray(type) });

    private static JsonObject Node(string id, string type, JsonObject config) => new() { ["id"] = id, ["type"] = type, ["config"] = config };

    private static JsonObject Edge(string from, string to, string? port = null)
    {
        var edge = new JsonObject { ["from"] = from, ["to"] = to };
        if (port is not null) edge["port"] = port;
        return edge;
    }

    private static JsonObject Graph(JsonObject trigger, JsonObject middle, JsonObject last, JsonObject[] edges) =>
        Graph([trigger, middle, last], [.. edges]);

    private static JsonObject Graph(JsonObject trigger, JsonObject last, JsonObject[] edges) =>
        Graph([trigger, last], [.. edges]);

    private static JsonObject Graph(List<JsonObject> nodes, List<JsonObject> edges) => new()
    {
        ["schemaVersion"] = 1,
        ["nodes"] = new JsonArray([.. nodes]),
        ["edges"] = new JsonArray([.. edges]),
    };
}
