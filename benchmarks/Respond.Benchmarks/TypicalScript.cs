using System.Text.Json;

namespace Respond.Benchmarks;

/// <summary>A typical remediation script of 30 lines: string work, LINQ over the event, a decision, requests.</summary>
internal static class TypicalScript
{
    public const string Source = """
        // Encoded PowerShell: collect evidence, kill the process, isolate the device when it is critical.
        var commandLine = Event.Process.CommandLine;
        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var flags = words.Where(w => w.StartsWith("-")).Select(w => w.ToLowerInvariant()).Distinct().ToList();
        var encoded = flags.Any(f => f == "-enc" || f == "-encodedcommand" || f == "-e");
        var hidden = flags.Contains("-w") && words.Any(w => w.Equals("hidden", StringComparison.OrdinalIgnoreCase));
        var attempts = Event.GetNumber("raw.attempts") ?? 0;
        var country = Event.Get("raw.country") ?? "unknown";
        var suspicious = new List<string>();
        if (encoded) suspicious.Add("encoded command");
        if (hidden) suspicious.Add("hidden window");
        if (attempts > 5) suspicious.Add($"{attempts} attempts");
        if (country != "NL" && country != "unknown") suspicious.Add("from " + country);
        var score = suspicious.Count * 25 + (Event.Severity == "CRITICAL" ? 25 : 0);
        Log($"{Event.Process.Name} on {Event.Device.Hostname}: score {score} ({string.Join(", ", suspicious)})");
        if (score < 25)
        {
            Log("nothing to do");
            return score;
        }
        var pid = Event.Process.Pid?.ToString() ?? "";
        if (pid.Length > 0)
        {
            RequestAction("KILL_PROCESS", pid, "suspicious PowerShell: " + string.Join(", ", suspicious));
        }
        if (score >= 75 && Event.Device.Id.Length > 0)
        {
            RequestAction("ISOLATE_DEVICE", Event.Device.Id, $"score {score} on {Event.Device.Hostname}");
        }
        Log($"requested {(score >= 75 ? 2 : 1)} action(s) for {Organization.Name}");
        score
        """;

    public static readonly JsonElement Event = JsonDocument.Parse("""
        {
          "id": "e-1", "organizationId": "org-a", "source": "edr", "type": "process.start", "severity": "CRITICAL",
          "time": "2026-11-23T10:00:00Z",
          "user": { "id": "u-1", "name": "alice", "email": "alice@example.com" },
          "device": { "id": "dev-7", "hostname": "ws-07" },
          "process": { "pid": 4242, "name": "powershell.exe", "path": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                       "commandLine": "powershell.exe -NoProfile -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA" },
          "raw": { "attempts": 7, "country": "RU" }
        }
        """).RootElement;
}
