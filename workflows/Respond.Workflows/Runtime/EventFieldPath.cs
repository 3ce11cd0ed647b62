using System.Globalization;
using System.Text.Json;

namespace Respond.Workflows.Runtime;

/// <summary>
/// A dotted field path (<c>user.id</c>, <c>src.ip</c>, <c>raw.a.b</c>, <c>raw.list.0</c> or <c>raw.list[0]</c>) parsed once
/// and resolved against an event's JSON. The event header (<c>id</c>, <c>organizationId</c>, <c>source</c>, <c>type</c>,
/// <c>severity</c>, <c>time</c>) is used when the JSON does not carry those keys.
/// </summary>
public sealed class EventFieldPath
{
    private readonly Segment[] segments;

    private EventFieldPath(string path, Segment[] segments)
    {
        Path = path;
        this.segments = segments;
    }

    public string Path { get; }

    /// <summary>A step of the path; its name also as UTF-8, which the JSON is looked up by without transcoding the name for every event.</summary>
    private readonly record struct Segment(string Name, byte[] Utf8Name, int Index)
    {
        public Segment(string name, int index) : this(name, System.Text.Encoding.UTF8.GetBytes(name), index)
        {
        }
    }

    public static EventFieldPath Parse(string path)
    {
        var parts = new List<Segment>();
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var bracket = name.IndexOf('[', StringComparison.Ordinal);
            var rest = bracket >= 0 ? name[bracket..] : "";
            name = bracket >= 0 ? name[..bracket] : name;
            if (name.Length > 0)
            {
                parts.Add(new Segment(name, int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1));
            }
            while (rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) is var close and > 1)
            {
                if (int.TryParse(rest[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    parts.Add(new Segment(rest[1..close], index));
                }
                rest = rest[(close + 1)..];
            }
        }
        return new EventFieldPath(path, [.. parts]);
    }

    /// <summary>Resolves <paramref name="path"/> against the event; null when any step is missing or JSON null.</summary>
    public static JsonElement? Resolve(WorkflowEvent e, string path) => Parse(path).Resolve(e);

    public JsonElement? Resolve(WorkflowEvent e)
    {
        if (Walk(e.Json) is { } found)
        {
            return found;
        }
        return segments.Length == 1 ? Header(e, segments[0].Name) : null;
    }

    /// <summary>The value as text for comparisons, group keys and templates: strings as is, other scalars as JSON.</summary>
    public static string? Text(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.Value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.Value.GetRawText(),
    };

    /// <summary>
    /// The group key of <c>groupBy</c> paths: their values joined by <c>|</c> (a missing one as empty text); null when
    /// every path is missing, so events without the entity are not lumped into one group.
    /// </summary>
    public static string? GroupKey(WorkflowEvent e, IReadOnlyList<EventFieldPath> paths)
    {
        var texts = new string?[paths.Count];
        var any = false;
        for (var i = 0; i < paths.Count; i++)
        {
            texts[i] = Text(paths[i].Resolve(e));
            any |= texts[i] is not null;
        }
        return any ? string.Join('|', texts) : null;
    }

    private JsonElement? Walk(JsonElement current)
    {
        foreach (var segment in segments)
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(segment.Utf8Name, out var next):
                    current = next;
                    break;
                case JsonValueKind.Array when segment.Index >= 0 && segment.Index < current.GetArrayLength():
                    current = current[segment.Index];
                    break;
                default:
                    return null;
            }
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    private static JsonElement? Header(WorkflowEvent e, string name) => name switch
    {
        "id" => JsonSerializer.SerializeToElement(e.Id),
        "organizationId" => JsonSerializer.SerializeToElement(e.OrganizationId),
        "source" => JsonSerializer.SerializeToElement(e.Source),
        "type" => JsonSerializer.SerializeToElement(e.Type),
        "severity" => JsonSerializer.SerializeToElement(ApiEnumName.Format(e.Severity)),
        "time" => JsonSerializer.SerializeToElement(e.Time),
        _ => null,
    };

    public override string ToString() => Path;
}
