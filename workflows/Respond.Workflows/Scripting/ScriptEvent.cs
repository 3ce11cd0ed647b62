using System.Globalization;
using System.Text.Json;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The script host's read-only view of one event (docs/events.md's shape), seen by scripts and expressions as
/// <c>Event</c>. Typed entity accessors return an empty string when a field is absent, so
/// <c>Event.Process.CommandLine.Length &gt; 2000</c> is false rather than an error; <see cref="Get"/> returns
/// null instead, and <see cref="Has"/> tells the two apart.
/// </summary>
public sealed class ScriptEvent
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private ScriptEvent(JsonElement json)
    {
        Json = json.ValueKind == JsonValueKind.Object ? json : EmptyObject;
        User = new ScriptUser(Property("user"));
        Device = new ScriptDevice(Property("device"));
        Src = new ScriptEndpoint(Property("src"));
        Dst = new ScriptEndpoint(Property("dst"));
        Process = new ScriptProcess(Property("process"));
        File = new ScriptFile(Property("file"));
        Raw = Property("raw") is { ValueKind: JsonValueKind.Object } raw ? raw : EmptyObject;
    }

    /// <summary>Wraps an event's JSON; the element is cloned so the view outlives its document.</summary>
    public static ScriptEvent FromJson(JsonElement json) => new(json.Clone());

    /// <summary>Parses an event's JSON text.</summary>
    public static ScriptEvent Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>The whole event as ingested.</summary>
    public JsonElement Json { get; }

    /// <summary>The <c>raw</c> payload (an empty object when the event has none).</summary>
    public JsonElement Raw { get; }

    public string Id => Text("id");

    public string OrganizationId => Text("organizationId");

    public string Source => Text("source");

    public string Type => Text("type");

    /// <summary><c>INFORMATIONAL</c>, <c>LOW</c>, <c>MEDIUM</c>, <c>HIGH</c> or <c>CRITICAL</c>.</summary>
    public string Severity => Text("severity");

    /// <summary>The event time, or null when absent or not ISO-8601.</summary>
    public DateTimeOffset? Time =>
        DateTimeOffset.TryParse(Text("time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : null;

    public ScriptUser User { get; }

    public ScriptDevice Device { get; }

    public ScriptEndpoint Src { get; }

    public ScriptEndpoint Dst { get; }

    public ScriptProcess Process { get; }

    public ScriptFile File { get; }

    /// <summary>
    /// The value at a dotted path (<c>user.id</c>, <c>raw.location.country</c>, <c>raw.list.0</c>) as text: strings as
    /// they are, other values as JSON; null when any step is missing.
    /// </summary>
    public string? Get(string path) => Find(path) is { } value
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
        : null;

    /// <summary>The number at a dotted path, or null when it is missing or not a number.</summary>
    public double? GetNumber(string path) =>
        Find(path) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;

    /// <summary>Whether the dotted path leads to a value other than JSON null.</summary>
    public bool Has(string path) => Find(path) is not null;

    public override string ToString() => $"{Type} {Id}";

    private JsonElement? Find(string path)
    {
        var current = Json;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    private JsonElement Property(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : EmptyObject;

    private string Text(string name) => EntityText(Json, name);

    internal static string EntityText(JsonElement entity, string name) =>
        entity.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                _ => value.GetRawText(),
            }
            : "";
}

/// <summary>The event's <c>user</c> entity; empty strings when absent.</summary>
public sealed class ScriptUser(JsonElement json)
{
    public string Id => ScriptEvent.EntityText(json, "id");

    public string Name => ScriptEvent.EntityText(json, "name");

    public string Email => ScriptEvent.EntityText(json, "email");

    public override string ToString() => Id;
}

/// <summary>The event's <c>device</c> entity; empty strings when absent.</summary>
public sealed class ScriptDevice(JsonElement json)
{
    public string Id => ScriptEvent.EntityText(json, "id");

    public string Hostname => ScriptEvent.EntityText(json, "hostname");

    public override string ToString() => Id;
}

/// <summary>The event's <c>src</c> or <c>dst</c> endpoint; empty string when absent.</summary>
public sealed class ScriptEndpoint(JsonElement json)
{
    public string Ip => ScriptEvent.EntityText(json, "ip");

    public override string ToString() => Ip;
}

/// <summary>The event's <c>process</c> entity; empty strings (and a null pid) when absent.</summary>
public sealed class ScriptProcess(JsonElement json)
{
    public long? Pid => json.TryGetProperty("pid", out var pid) && pid.TryGetInt64(out var value) ? value : null;

    public string Name => ScriptEvent.EntityText(json, "name");

    public string Path => ScriptEvent.EntityText(json, "path");

    public string CommandLine => ScriptEvent.EntityText(json, "commandLine");

    public override string ToString() => Name;
}

/// <summary>The event's <c>file</c> entity; empty strings when absent.</summary>
public sealed class ScriptFile(JsonElement json)
{
    public string Path => ScriptEvent.EntityText(json, "path");

    public string Sha256 => ScriptEvent.EntityText(json, "sha256");

    public override string ToString() => Path;
}
