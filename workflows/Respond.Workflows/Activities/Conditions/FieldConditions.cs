using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Workflows.Runtime;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// The <c>{ field, op, value }</c> conditions shared by <c>condition.match</c> and the signals of <c>condition.correlate</c>.
/// </summary>
public static class FieldConditions
{
    /// <summary>The operators of WORKFLOWS.md, in its order.</summary>
    public static IReadOnlyList<string> Operators { get; } =
        ["eq", "neq", "in", "contains", "startsWith", "regex", "gt", "gte", "lt", "lte", "exists", "cidr"];

    // Patterns come from rule authors and run against every event; a bound keeps one bad pattern from stalling ingestion.
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    internal static ConfigField ConfigFieldFor(string name, string description) =>
        new(name, ConfigFieldType.Conditions, false, description,
            Fields:
            [
                new("field", ConfigFieldType.FieldPath, true, "The event field to test, e.g. src.ip."),
                new("op", ConfigFieldType.String, true, "How to compare.", AllowedValues: Operators),
                new("value", ConfigFieldType.Any, false,
                    "What to compare with: a list for 'in' (and optionally 'cidr'), a pattern for 'regex', true/false for 'exists'."),
            ]);

    /// <summary>
    /// The address a <c>cidr</c> condition tests: the field's text as an IP address, an IPv4-mapped IPv6 address
    /// (<c>::ffff:203.0.113.5</c>) as the IPv4 host it maps; null when the text is no address.
    /// </summary>
    internal static IPAddress? AddressOf(JsonElement actual)
    {
        if (EventFieldPath.Text(actual) is not { } text || !IPAddress.TryParse(text.Trim(), out var address))
        {
            return null;
        }
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Parses a CIDR block such as <c>203.0.113.0/24</c> or <c>2001:db8::/32</c>; a bare address counts as a single host.</summary>
    public static bool TryParseCidr(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        // Host bits must be zero: "10.0.0.1/8" is more likely a typo for /32 than a wish to match all of 10/8.
        return IPNetwork.TryParse(text, out network)
            && IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var given)
            && given.Equals(network.BaseAddress);
    }

    internal static void Validate(JsonNode value, string path, ValidationContext context)
    {
        if (value is not JsonArray list)
        {
            context.Needs(path, "to be a list of { field, op, value } conditions" + ConfigSchema.Got(value));
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (list[i] is not JsonObject condition)
            {
                context.Needs(at, "to be a { field, op, value } object");
                continue;
            }
            var field = Text(condition["field"]);
            if (!ConfigSchema.IsFieldPath(field))
            {
                context.Needs(at + ".field", "to be an event field path such as user.id or src.ip");
            }
            var op = Text(condition["op"]);
            if (op is null || !Operators.Contains(op))
            {
                context.Needs(at + ".op", $"to be one of {string.Join(", ", Operators)}" + ConfigSchema.Got(condition["op"]));
                continue;
            }
            ValidateValue(op, condition["value"], at + ".value", context);
        }
    }

    private static void ValidateValue(string op, JsonNode? value, string path, ValidationContext context)
    {
        switch (op)
        {
            case "exists":
                if (value is not null && value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    context.Needs(path, "to be true or false (or left out) for 'exists'");
                }
                break;
            case "in":
                if (value is not JsonArray { Count: > 0 } items || items.Any(item => item is null or JsonArray or JsonObject))
                {
                    context.Needs(path, "to be a non-empty list of values for 'in'");
                }
                break;
            case "contains" or "startsWith":
                if (string.IsNullOrEmpty(Text(value)))
                {
                    context.Needs(path, $"to be non-empty text for '{op}'");
                }
                break;
            case "regex":
                var pattern = Text(value);
                if (pattern is null)
                {
                    context.Needs(path, "to be a regular expression for 'regex'");
                }
                else if (!Compiles(pattern, out var problem))
                {
                    context.Report(path, $"The regular expression '{pattern}' does not compile: {problem}");
                }
                break;
            case "cidr":
                var blocks = value is JsonArray many ? many.Select(Text).ToList() : [Text(value)];
                if (blocks.Count == 0)
                {
                    context.Needs(path, "to be a CIDR block such as 203.0.113.0/24 (or a list of them) for 'cidr'");
                }
                foreach (var block in blocks)
                {
                    if (!TryParseCidr(block, out _))
                    {
                        context.Report(path,
                            $"'{block}' is not an IPv4 or IPv6 CIDR block such as 203.0.113.0/24 or 2001:db8::/32 (host bits must be zero).");
                    }
                }
                break;
            case "gt" or "gte" or "lt" or "lte":
                if (value is null || value.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.String))
                {
                    context.Needs(path, $"to be a number (or an ISO-8601 time) for '{op}'");
                }
                break;
            default: // eq, neq
                if (value is null or JsonObject)
                {
                    context.Needs(path, $"to be a value to compare with for '{op}'");
                }
                break;
        }
    }

    private static bool Compiles(string pattern, out string problem)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, RegexTimeout);
            problem = "";
            return true;
        }
        catch (ArgumentException exception)
        {
            // The framework's message names the position and the construct, which is what an author needs.
            problem = exception.Message;
            return false;
        }
    }

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
