using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Activities.Conditions;

/// <summary>
/// One <c>{ field, op, value }</c> condition compiled for running: the path parsed, the regex built with a match
/// timeout, CIDR blocks and comparison values parsed once.
/// </summary>
/// <remarks>
/// Text comparisons (<c>eq</c>, <c>neq</c>, <c>in</c>, <c>contains</c>, <c>startsWith</c>) ignore case (ordinal): user
/// names, host names, e-mail addresses and process names arrive in whatever case each sensor writes, and a rule
/// that misses <c>MIMIKATZ.EXE</c> because it says <c>mimikatz.exe</c> is a silent hole. <c>regex</c> is
/// case-sensitive unless the pattern says <c>(?i)</c>. When the field is a list, <c>eq</c>, <c>in</c>, <c>contains</c>
/// and <c>startsWith</c> hold if any item does (so <c>raw.userRoles contains Administrator</c> works on a list).
/// A missing field (or JSON null) fails every operator except <c>neq</c> and <c>exists: false</c>. A <c>regex</c> that runs
/// past its time limit throws <see cref="RegexConditionTimeoutException"/>: the run errors visibly, it never quietly fails.
/// </remarks>
public sealed class FieldCondition
{
    private readonly JsonNode? expected;
    private readonly Regex? regex;
    private readonly IPNetwork[] networks = [];
    private readonly Scalar[] values = [];
    private readonly double? number;
    private readonly DateTimeOffset? time;
    private readonly bool exists = true;
    // Made once: a method group passed as a delegate is a new delegate on every evaluation.
    private readonly Func<JsonElement, bool> equal;

    private readonly record struct Scalar(string? Text, double? Number, bool? Boolean);

    private FieldCondition(EventFieldPath field, string op, JsonNode? value, TimeSpan regexTimeout)
    {
        Field = field;
        Op = op;
        expected = value;
        equal = Equal;
        switch (op)
        {
            case "regex":
                regex = new Regex(FieldConditions.Text(value) ?? "", RegexOptions.CultureInvariant, regexTimeout);
                break;
            case "cidr":
                var blocks = value is JsonArray many ? many.Select(FieldConditions.Text) : [FieldConditions.Text(value)];
                networks = [.. blocks.Select(b => FieldConditions.TryParseCidr(b, out var n) ? (IPNetwork?)n : null).OfType<IPNetwork>()];
                Networks = networks.Length > 0 ? networks : null;
                break;
            case "exists":
                exists = value is null || value.GetValueKind() != JsonValueKind.False;
                break;
            case "gt" or "gte" or "lt" or "lte":
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                {
                    number = v.GetValue<double>();
                }
                else if (FieldConditions.Text(value) is { } text)
                {
                    if (TryTime(text, out var t))
                    {
                        time = t;
                    }
                    else if (TryNumber(text, out var n))
                    {
                        number = n;
                    }
                }
                break;
            default:
                values = value is JsonArray list ? [.. list.Select(ToScalar)] : [ToScalar(value)];
                if (op is "eq" or "in" && values.Length > 0 && values.All(v => v is { Text: { } t, Number: null, Boolean: null }
                    && !TryNumber(t, out _) && !bool.TryParse(t, out _)))
                {
                    EqualityKeys = [.. values.Select(v => v.Text!)];
                }
                if (op == "contains" && values.Length > 0 && values.All(v => !string.IsNullOrEmpty(v.Text)))
                {
                    Substrings = [.. values.Select(v => v.Text!)];
                }
                break;
        }
    }

    /// <summary>
    /// Set for an <c>eq</c>/<c>in</c> whose values are all plain text (not numbers or booleans): the condition holds exactly
    /// when the field is, or is a list holding, a string equal to one of them ignoring case. An index can look rules up by them.
    /// </summary>
    internal IReadOnlyList<string>? EqualityKeys { get; }

    /// <summary>Set for a <c>cidr</c>: its blocks. The condition holds only when the field's text is an address in one.</summary>
    internal IReadOnlyList<IPNetwork>? Networks { get; }

    /// <summary>
    /// Set for a <c>contains</c> of non-empty texts: on a field that is not a list the condition holds only when the field's
    /// text holds one of them, ignoring case (on a list it compares items instead).
    /// </summary>
    internal IReadOnlyList<string>? Substrings { get; }

    public EventFieldPath Field { get; }

    public string Op { get; }

    /// <summary>True when evaluating may throw <see cref="RegexConditionTimeoutException"/> instead of answering (a regex).</summary>
    public bool MayTimeOut => regex is not null;

    public static FieldCondition Compile(JsonObject condition, TimeSpan regexTimeout) =>
        new(EventFieldPath.Parse(FieldConditions.Text(condition["field"]) ?? ""), FieldConditions.Text(condition["op"]) ?? "eq",
            condition["value"], regexTimeout);

    /// <summary>Evaluates against the event; when <paramref name="details"/> is given, appends <c>{ field, op, expected, actual, result }</c>.</summary>
    public bool Evaluate(WorkflowEvent e, JsonArray? details)
    {
        var actual = Field.Resolve(e);
        var result = Op switch
        {
            "exists" => actual is not null == exists,
            "neq" => actual is not { } a || !AnyItem(a, equal),
            _ when actual is not { } => false,
            "eq" or "in" => AnyItem(actual.Value, equal),
            "contains" => actual.Value.ValueKind == JsonValueKind.Array ? AnyItem(actual.Value, equal) : Contains(actual.Value),
            "startsWith" => AnyItem(actual.Value, item => EventFieldPath.Text(item) is { } t
                && values.Any(v => v.Text is not null && t.StartsWith(v.Text, StringComparison.OrdinalIgnoreCase))),
            "regex" => Matches(actual.Value),
            "gt" => Compare(actual.Value) is > 0,
            "gte" => Compare(actual.Value) is >= 0,
            "lt" => Compare(actual.Value) is < 0,
            "lte" => Compare(actual.Value) is <= 0,
            "cidr" => InNetworks(actual.Value),
            _ => false,
        };
        if (details is not null)
        {
            var detail = new JsonObject
            {
                ["field"] = Field.Path,
                ["op"] = Op,
                ["expected"] = expected?.DeepClone(),
                ["actual"] = actual is { } found ? JsonValueOf(found) : null,
                ["result"] = result,
            };
            details.Add(detail);
        }
        return result;
    }

    private bool Contains(JsonElement item) =>
        EventFieldPath.Text(item) is { } text && values.Any(v => v.Text is not null && text.Contains(v.Text, StringComparison.OrdinalIgnoreCase));

    private static bool AnyItem(JsonElement actual, Func<JsonElement, bool> test)
    {
        if (actual.ValueKind != JsonValueKind.Array)
        {
            return test(actual);
        }
        foreach (var item in actual.EnumerateArray())
        {
            if (test(item))
            {
                return true;
            }
        }
        return false;
    }

    private bool Equal(JsonElement actual)
    {
        foreach (var value in values)
        {
            var equal = actual.ValueKind switch
            {
                JsonValueKind.String when value.Number is { } n => TryNumber(actual.GetString()!, out var a) && a == n
                    || string.Equals(actual.GetString(), value.Text, StringComparison.OrdinalIgnoreCase),
                JsonValueKind.String => string.Equals(actual.GetString(), value.Text, StringComparison.OrdinalIgnoreCase),
                JsonValueKind.Number when value.Number is { } n => actual.GetDouble() == n,
                JsonValueKind.Number => value.Text is not null && TryNumber(value.Text, out var e) && actual.GetDouble() == e,
                JsonValueKind.True or JsonValueKind.False => value.Boolean == (actual.ValueKind == JsonValueKind.True)
                    || string.Equals(value.Text, actual.ValueKind == JsonValueKind.True ? "true" : "false", StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
            if (equal)
            {
                return true;
            }
        }
        return false;
    }

    private bool Matches(JsonElement actual)
    {
        if (regex is null || EventFieldPath.Text(actual) is not { } text)
        {
            return false;
        }
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new RegexConditionTimeoutException(Field.Path, regex.ToString(), regex.MatchTimeout);
        }
    }

    private int? Compare(JsonElement actual)
    {
        if (time is { } t)
        {
            return actual.ValueKind == JsonValueKind.String && TryTime(actual.GetString()!, out var a) ? a.CompareTo(t) : null;
        }
        if (number is not { } n)
        {
            return null;
        }
        if (actual.ValueKind == JsonValueKind.Number)
        {
            return actual.GetDouble().CompareTo(n);
        }
        return actual.ValueKind == JsonValueKind.String && TryNumber(actual.GetString()!, out var parsed) ? parsed.CompareTo(n) : null;
    }

    private bool InNetworks(JsonElement actual)
    {
        if (FieldConditions.AddressOf(actual) is not { } address)
        {
            return false;
        }
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static Scalar ToScalar(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return new Scalar(null, null, null);
        }
        return value.GetValueKind() switch
        {
            JsonValueKind.String => new Scalar(value.GetValue<string>(), null, null),
            JsonValueKind.Number => new Scalar(value.ToJsonString(), value.GetValue<double>(), null),
            JsonValueKind.True => new Scalar("true", null, true),
            JsonValueKind.False => new Scalar("false", null, false),
            _ => new Scalar(null, null, null),
        };
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    // Only ISO-8601-looking text is a time: "5" must stay a number, not a date.
    private static bool TryTime(string text, out DateTimeOffset value)
    {
        value = default;
        return text.Length >= 10 && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    // Scalars wrap the event's element (no copy: the detail lives no longer than the instance, which holds the event);
    // objects and arrays are copied because a JsonNode tree needs nodes of its own.
    internal static JsonNode? JsonValueOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => JsonValue.Create(element),
        JsonValueKind.True => JsonValue.Create(true),
        JsonValueKind.False => JsonValue.Create(false),
        _ => DefinitionReader.ToNode(element),
    };
}
