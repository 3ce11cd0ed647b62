using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// <c>POST /api/agents/enroll</c>: trades a one-use enrolment token for an agent id and secret. The device keeps its
/// agent id when it enrols again; its previous secret stops working and an open channel with it is dropped.
/// </summary>
internal sealed partial class EnrollAgent(RespondDbContext db, AgentRegistry registry, AuditTrail audit, TimeProvider time, ILogger<EnrollAgent> logger)
{
    public sealed record Refusal(int Status, string Title, string Detail);

    public async Task<(EnrollAgentResponse? Enrolled, Refusal? Refused)> ExecuteAsync(EnrollAgentRequest request, CancellationToken ct)
    {
        if (Validate(request) is { } invalid) return (null, Refuse(400, "Invalid enrolment request", invalid));
        var now = time.GetUtcNow();
        var hash = AgentSecrets.Hash(request.Token!);
        var token = await db.Set<AgentEnrollmentToken>().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null) return (null, Refuse(401, "Enrolment token refused", "The enrolment token is unknown."));
        if (token.RevokedAt is not null)
            return (null, Refuse(401, "Enrolment token refused", "The enrolment token was revoked; ask an Admin for a new one."));
        if (token.UsedAt is not null)
            return (null, Refuse(401, "Enrolment token refused", "The enrolment token was already used; ask an Admin for a new one."));
        if (token.ExpiresAt <= now)
            return (null, Refuse(401, "Enrolment token refused", $"The enrolment token expired at {token.ExpiresAt:u}; ask an Admin for a new one."));

        var deviceId = request.DeviceId!;
        var agent = await db.Set<Agent>().SingleOrDefaultAsync(a => a.OrganizationId == token.OrganizationId && a.DeviceId == deviceId, ct);
        var reEnrolled = agent is not null;
        if (agent is null)
        {
            agent = new Agent { Id = "agent-" + Guid.NewGuid().ToString("N")[..16], OrganizationId = token.OrganizationId, DeviceId = deviceId };
            db.Add(agent);
        }
        var secret = AgentSecrets.New("ras_");
        agent.Enrol(request.Hostname!.Trim(), request.Os!.Trim(), secret, now);
        token.Use(agent.Id, now);
        // The hostname is what the device declares; the audit actor is named from our own record of it (issue 11).
        var actor = new RespondPrincipal("agent:" + agent.Id, "agent " + agent.Id, new HashSet<string>(), new HashSet<string>([agent.OrganizationId]));
        audit.Record(actor, reEnrolled ? "agent.reenrolled" : "agent.enrolled", "Agent", agent.Id, [agent.OrganizationId], null,
            new { agent.DeviceId, agent.Hostname, agent.Os, EnrollmentTokenId = token.Id });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // UsedAt is a concurrency token: two devices raced for one token and the other won.
            return (null, Refuse(401, "Enrolment token refused", "The enrolment token was already used; ask an Admin for a new one."));
        }
        if (reEnrolled) registry.Find(agent.OrganizationId, agent.DeviceId)?.Abort();
        AgentsLog.Enrolled(logger, agent.Id, agent.DeviceId, agent.OrganizationId);
        return (new EnrollAgentResponse(agent.Id, secret, agent.OrganizationId, agent.DeviceId), null);
    }

    private Refusal Refuse(int status, string title, string detail)
    {
        AgentsLog.EnrollmentRefused(logger, detail);
        return new Refusal(status, title, detail);
    }

    private static string? Validate(EnrollAgentRequest request)
    {
        if (string.IsNullOrEmpty(request.Token) || request.Token.Length > 200) return "token is required (at most 200 characters).";
        if (request.DeviceId is null || !DeviceIdRegex().IsMatch(request.DeviceId))
            return "deviceId must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.";
        if (string.IsNullOrWhiteSpace(request.Hostname) || request.Hostname.Length > 255 || request.Hostname.Any(char.IsControl))
            return "hostname is required: 1 to 255 printable characters.";
        if (string.IsNullOrWhiteSpace(request.Os) || request.Os.Length > 128 || request.Os.Any(char.IsControl))
            return "os is required: 1 to 128 printable characters.";
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    private static partial Regex DeviceIdRegex();
}
