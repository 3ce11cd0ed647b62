using System.Net.Http.Json;
using System.Text.Json;

namespace Respond.Agent;

/// <summary>What enrolment gave this device. Kept in a file only the agent's user can read (0600).</summary>
public sealed record Credentials(Uri ServerUrl, string AgentId, string AgentSecret, string OrganizationId, string DeviceId)
{
    public string AuthorizationHeader =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(AgentId + ":" + AgentSecret));

    public static Credentials? Load(string path)
    {
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<Credentials>(File.ReadAllText(path), Protocol.Json);
    }

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        // Written to a private temporary file first, so the secret is never readable by others, not even briefly.
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(stream, this, Protocol.Json);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>POST /api/agents/enroll; the server's problem detail is the message when it refuses.</summary>
    public static async Task<Credentials> EnrollAsync(AgentOptions options, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = options.ServerUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/agents/enroll", new
        {
            token = options.EnrollmentToken,
            deviceId = options.DeviceId,
            hostname = options.Hostname,
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        }, Protocol.Json, ct);
        if (!response.IsSuccessStatusCode)
        {
            string? detail = null;
            try
            {
                var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
                if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d)) detail = d.GetString();
            }
            catch (JsonException) { }
            throw new EnrollmentRefusedException($"Enrolment refused ({(int)response.StatusCode}): {detail ?? "no detail"}");
        }
        var enrolled = await response.Content.ReadFromJsonAsync<EnrollResponse>(Protocol.Json, ct)
            ?? throw new EnrollmentRefusedException("Enrolment answered with an empty body.");
        return new Credentials(options.ServerUrl!, enrolled.AgentId, enrolled.AgentSecret, enrolled.OrganizationId, enrolled.DeviceId);
    }

    private sealed record EnrollResponse(string AgentId, string AgentSecret, string OrganizationId, string DeviceId);
}

public sealed class EnrollmentRefusedException(string message) : Exception(message);
