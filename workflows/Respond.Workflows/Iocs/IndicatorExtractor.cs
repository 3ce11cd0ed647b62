using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Workflows.Activities.Conditions;

namespace Respond.Workflows.Iocs;

/// <summary>
/// Collects the IPs, hashes, domains and process names a rule compares events against, for "Convert to IOC" (seed 000).
/// Only positive comparisons count (<c>eq</c>, <c>in</c>, <c>cidr</c>): a <c>neq</c> value is an exclusion, and
/// <c>contains</c>/<c>regex</c> values are fragments, not indicators.
/// </summary>
public static class IndicatorExtractor
{
    public static Indicators Extract(JsonElement definition)
    {
        var ips = new SortedSet<string>(StringComparer.Ordinal);
        var hashes = new SortedSet<string>(StringComparer.Ordinal);
        var domains = new SortedSet<string>(StringComparer.Ordinal);
        var processNames = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var condition in Conditions(WorkflowDefinition.Parse(definition).Definition))
        {
            var field = (FieldConditions.Text(condition["field"]) ?? "").ToLowerInvariant();
            var op = FieldConditions.Text(condition["op"]);
            if (op is not ("eq" or "in" or "cidr"))
            {
                continue;
            }
            foreach (var value in Values(condition["value"]))
            {
                if (op == "cidr" || field == "ip" || field.EndsWith(".ip", StringComparison.Ordinal))
                {
                    ips.Add(value);
                }
                else if (field.EndsWith(".sha256", StringComparison.Ordinal) || field.EndsWith(".sha1", StringComparison.Ordinal)
                    || field.EndsWith(".md5", StringComparison.Ordinal) || field.Contains("hash", StringComparison.Ordinal))
                {
                    hashes.Add(value.ToLowerInvariant());
                }
                else if (field.EndsWith(".url", StringComparison.Ordinal) || field == "url")
                {
                    if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
                    {
                        domains.Add(uri.Host.ToLowerInvariant());
                    }
                }
                else if (field.Contains("domain", StringComparison.Ordinal))
                {
                    domains.Add(value.ToLowerInvariant().TrimEnd('.'));
                }
                else if (field == "process.name" || field.EndsWith(".process.name", StringComparison.Ordinal))
                {
                    processNames.Add(value);
                }
            }
        }
        return new Indicators([.. ips], [.. hashes], [.. domains], [.. processNames]);
    }

    private static IEnumerable<JsonObject> Conditions(WorkflowDefinition definition)
    {
        foreach (var node in definition.Nodes)
        {
            var filters = node.Type switch
            {
                "condition.match" => [node.Config],
                "condition.correlate" when node.Config["signals"] is JsonArray signals => signals.OfType<JsonObject>().ToList(),
                _ => [],
            };
            foreach (var filter in filters)
            {
                foreach (var list in new[] { filter["all"], filter["any"] }.OfType<JsonArray>())
                {
                    foreach (var condition in list.OfType<JsonObject>())
                    {
                        yield return condition;
                    }
                }
            }
        }
    }

    private static IEnumerable<string> Values(JsonNode? value)
    {
        var items = value is JsonArray array ? array.ToList() : [value];
        foreach (var item in items)
        {
            if (FieldConditions.Text(item)?.Trim() is { Length: > 0 } text)
            {
                yield return text;
            }
        }
    }
}
