using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Respond.LoadDriver;

/// <summary>One generated event: its header (for the naive insert) and its JSON as sent.</summary>
public sealed record GeneratedEvent(string Id, string OrganizationId, string Source, string Type, int Severity, DateTimeOffset Time, string Json);

/// <summary>
/// Deterministic (seeded), realistic events of ~600 bytes: user, device, source/destination IPs, a process with a
/// command line, a raw payload padded to size. Ids are random GUIDs (as sensors send them), so the unique index on
/// (source, id) is written at random places; event times increase by <see cref="Step"/>.
/// </summary>
public sealed class EventGenerator
{
    public static readonly string[] Types = ["signin.failed", "signin.succeeded", "process.started", "network.connection", "file.renamed", "dns.query"];
    public static readonly string[] Severities = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
    public const string BenchAlertType = "bench.alert";
    public const int Users = 20_000;
    public const int HotUsers = 50;
    public const double BurstProbability = 0.001;
    public const int BurstLength = 6;
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Processes = ["chrome.exe", "outlook.exe", "svchost.exe", "powershell.exe", "cmd.exe", "teams.exe", "excel.exe", "winword.exe", "msedge.exe", "explorer.exe"];
    private static readonly string[] Countries = ["US", "DE", "GB", "FR", "NL", "JP", "BR", "IN", "CA", "AU"];
    private static readonly string[] Apps = ["Office 365", "Azure Portal", "Salesforce", "GitHub", "Workday", "ServiceNow"];
    private const string Hex = "0123456789abcdef";

    private readonly Random _random;
    private readonly string[] _organizations;
    private readonly int _targetBytes;
    private long _sequence;
    private int _burstLeft;
    private string _burstUser = "";

    public EventGenerator(string[] organizations, int seed = 42, int targetBytes = 600)
    {
        _random = new Random(seed);
        _organizations = organizations;
        _targetBytes = targetBytes;
    }

    /// <summary>Events generated so far (the next event's time is Start + Generated × Step).</summary>
    public long Generated => _sequence;

    public GeneratedEvent Next(string? forcedType = null)
    {
        var n = _sequence++;
        var time = Start + Step * n;
        string type, user;
        string severity;
        var inBurst = false;
        if (forcedType is null && _burstLeft == 0 && _random.NextDouble() < BurstProbability)
        {
            _burstLeft = BurstLength;
            _burstUser = "u-hot-" + _random.Next(HotUsers).ToString("D2", CultureInfo.InvariantCulture);
        }
        if (forcedType is null && _burstLeft > 0)
        {
            // A password spray / brute force: failed sign-ins of one user from an external address, in quick succession.
            _burstLeft--;
            inBurst = true;
            type = "signin.failed";
            user = _burstUser;
            severity = "MEDIUM";
        }
        else
        {
            type = forcedType ?? Types[_random.Next(Types.Length)];
            user = "u-" + _random.Next(Users).ToString("D5", CultureInfo.InvariantCulture);
            var s = _random.Next(100);
            severity = s < 30 ? "INFORMATIONAL" : s < 75 ? "LOW" : s < 95 ? "MEDIUM" : s < 99 ? "HIGH" : "CRITICAL";
        }
        var id = NewGuid();
        var organization = _organizations[_random.Next(_organizations.Length)];
        var source = type switch
        {
            "signin.failed" or "signin.succeeded" => "entra-signin",
            "network.connection" => "firewall",
            "dns.query" => "dns",
            _ => "edr",
        };
        var device = "dev-" + (StableHash(user) % 30_000).ToString("D5", CultureInfo.InvariantCulture);
        var process = Processes[_random.Next(Processes.Length)];
        var rare = _random.Next(10_000);
        if (rare < 5) process = "mimikatz.exe";
        else if (rare < 10) process = "procdump.exe";
        var commandLine = process switch
        {
            "powershell.exe" => _random.Next(20) == 0
                ? "powershell.exe -NoProfile -ExecutionPolicy Bypass -enc " + Base64Ish(48)
                : "powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1",
            "cmd.exe" => "cmd.exe /c dir C:\\Users\\" + user + "\\Documents",
            "mimikatz.exe" => "mimikatz.exe privilege::debug sekurlsa::logonpasswords exit",
            _ => "\"C:\\Program Files\\" + process + "\" --type=renderer --lang=en-US",
        };
        var srcIp = inBurst || (type.StartsWith("signin", StringComparison.Ordinal) && _random.Next(4) == 0)
            ? "203.0.113." + _random.Next(1, 255).ToString(CultureInfo.InvariantCulture)
            : "10." + _random.Next(0, 64).ToString(CultureInfo.InvariantCulture) + "." + _random.Next(256).ToString(CultureInfo.InvariantCulture) + "." + _random.Next(1, 255).ToString(CultureInfo.InvariantCulture);
        var dstIp = _random.Next(2_000) == 0
            ? "198.51.100." + _random.Next(1, 255).ToString(CultureInfo.InvariantCulture)
            : _random.Next(10) == 0
                ? "2001:db8:" + _random.Next(0xFFFF).ToString("x", CultureInfo.InvariantCulture) + "::" + _random.Next(1, 0xFFFF).ToString("x", CultureInfo.InvariantCulture)
                : "52." + _random.Next(256).ToString(CultureInfo.InvariantCulture) + "." + _random.Next(256).ToString(CultureInfo.InvariantCulture) + "." + _random.Next(1, 255).ToString(CultureInfo.InvariantCulture);
        var country = inBurst && _random.Next(2) == 0 ? "RU" : Countries[_random.Next(Countries.Length)];

        using var buffer = new MemoryStream(768);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("organizationId", organization);
            w.WriteString("source", source);
            w.WriteString("type", type);
            w.WriteString("severity", severity);
            w.WriteString("time", time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteStartObject("user");
            w.WriteString("id", user);
            w.WriteString("name", "User " + user[2..]);
            w.WriteString("email", user + "@" + organization + ".example");
            w.WriteEndObject();
            w.WriteStartObject("device");
            w.WriteString("id", device);
            w.WriteString("hostname", "LT-" + device[4..]);
            w.WriteEndObject();
            w.WriteStartObject("src");
            w.WriteString("ip", srcIp);
            w.WriteEndObject();
            w.WriteStartObject("dst");
            w.WriteString("ip", dstIp);
            w.WriteEndObject();
            w.WriteStartObject("process");
            w.WriteNumber("pid", _random.Next(100, 65_000));
            w.WriteString("name", process);
            w.WriteString("path", "C:\\Windows\\System32\\" + process);
            w.WriteString("commandLine", commandLine);
            w.WriteEndObject();
            if (type == "file.renamed")
            {
                w.WriteStartObject("file");
                w.WriteString("path", "C:\\Users\\" + user + "\\Documents\\report-" + n.ToString(CultureInfo.InvariantCulture) + ".docx");
                w.WriteString("sha256", HexString(64));
                w.WriteEndObject();
            }
            w.WriteStartObject("raw");
            w.WriteStartObject("location");
            w.WriteString("country", country);
            w.WriteEndObject();
            w.WriteString("app", Apps[_random.Next(Apps.Length)]);
            w.WriteString("correlationId", NewGuid());
            w.Flush();
            // Pad the raw payload so the whole event is about the target size, as a sensor's original record would.
            var padding = Math.Max(8, _targetBytes - (int)w.BytesCommitted - 16);
            w.WriteString("message", Base64Ish(padding));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var json = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return new GeneratedEvent(id, organization, source, type, Array.IndexOf(Severities, severity), time, json);
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    private string NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private string HexString(int length) => string.Create(length, _random, static (span, r) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Hex[r.Next(16)];
    });

    private string Base64Ish(int length) => string.Create(length, _random, static (span, r) =>
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(alphabet.Length)];
    });

    /// <summary>A JSON array of the events' JSON, as the body of one POST /api/events.</summary>
    public static byte[] Body(IReadOnlyList<GeneratedEvent> events)
    {
        var builder = new StringBuilder(events.Count * 640);
        builder.Append('[');
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0) builder.Append(',');
            builder.Append(events[i].Json);
        }
        builder.Append(']');
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
