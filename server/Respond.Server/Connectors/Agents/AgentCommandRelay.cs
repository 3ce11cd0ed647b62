using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Engine;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// A command for an agent connected to another node, in flight: written by the node executing the action (its insert
/// announces it to the holding node through the cluster notices), answered by the node holding the agent's channel
/// (its update announces the answer back), deleted by the sender once it has the answer or gave up.
/// </summary>
public sealed class RelayedAgentCommand
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string DeviceId { get; init; }
    public required string ActionId { get; init; }

    /// <summary>The node that holds the agent's channel and delivers the command.</summary>
    public required string NodeId { get; init; }

    public required string MessageJson { get; init; }
    public int TimeoutSeconds { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The agent's answer, or why none came; null until the holding node answers.</summary>
    public string? AnswerJson { get; set; }
}

internal sealed class RelayedAgentCommandConfiguration : IEntityTypeConfiguration<RelayedAgentCommand>
{
    public void Configure(EntityTypeBuilder<RelayedAgentCommand> e)
    {
        e.ToTable("RelayedAgentCommands");
        e.HasKey(c => c.Id);
        e.Property(c => c.Id).HasMaxLength(64);
        e.Property(c => c.OrganizationId).HasMaxLength(64);
        e.Property(c => c.DeviceId).HasMaxLength(128);
        e.Property(c => c.ActionId).HasMaxLength(64);
        e.Property(c => c.NodeId).HasMaxLength(128);
    }
}

/// <summary>The answer as it crosses between nodes.</summary>
internal sealed record RelayedAnswer(bool Replied, bool Succeeded, string Details, JsonObject? Facts, bool Transient)
{
    public static RelayedAnswer Of(AgentAnswer answer) => answer switch
    {
        AgentAnswer.Replied r => new RelayedAnswer(true, r.Succeeded, r.Details, r.Facts, r.Transient),
        AgentAnswer.NoAnswer n => new RelayedAnswer(false, false, n.Reason, null, true),
        _ => throw new InvalidOperationException("Unknown answer."),
    };

    public AgentAnswer ToAnswer() => Replied ? new AgentAnswer.Replied(Succeeded, Details, Facts, Transient) : new AgentAnswer.NoAnswer(Details);
}

/// <summary>
/// Agent commands across nodes (PostgreSQL): an agent keeps its channel to one node, recorded on its row
/// (<see cref="Agent.ConnectedNodeId"/>). A node that executes an action for an agent connected elsewhere writes a
/// <see cref="RelayedAgentCommand"/> for the holding node (if that node is alive in <c>ClusterNodes</c>) and waits for its
/// answer; the holding node sends it over the channel, as for its own actions, and writes the answer back. The
/// holding node delivers only to an agent of the command's organization, for an action of that organization.
/// On one node (SQLite) nothing is relayed.
/// </summary>
internal sealed class AgentCommandRelay(
    AgentRegistry registry, PartitionOwnership node, IServiceScopeFactory scopes, TimeProvider time, ILogger<AgentCommandRelay> logger)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>The answer of the agent through the node that holds its channel; null when no living node holds it.</summary>
    public async Task<AgentAnswer?> AskAsync(AgentCommandMessage message, string organizationId, string deviceId, TimeSpan timeout, CancellationToken ct)
    {
        if (!node.Clustered) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        if (!db.Database.RunsOnPostgreSql()) return null;
        var now = time.GetUtcNow();
        var holder = await db.Set<Agent>().AsNoTracking().Where(a => a.OrganizationId == organizationId && a.DeviceId == deviceId && a.RevokedAt == null)
            .Select(a => a.ConnectedNodeId).SingleOrDefaultAsync(ct);
        if (holder is null || holder == node.NodeId || !await db.ClusterNodes.AnyAsync(n => n.NodeId == holder && n.ExpiresAt > now, ct)) return null;

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[message.CommandId] = answered;
        var relayed = new RelayedAgentCommand
        {
            Id = message.CommandId, OrganizationId = organizationId, DeviceId = deviceId, ActionId = message.ActionId, NodeId = holder,
            MessageJson = JsonSerializer.Serialize(message, AgentProtocol.Json), TimeoutSeconds = (int)Math.Ceiling(timeout.TotalSeconds), CreatedAt = now,
        };
        try
        {
            db.Add(relayed);
            await db.SaveChangesAsync(ct);
            AgentsLog.CommandRelayed(logger, message.CommandId, holder);
            // The holding node answers within the timeout itself (no answer is an answer too); the margin is for the trip.
            try
            {
                await answered.Task.WaitAsync(timeout + TimeSpan.FromSeconds(5), time, ct);
            }
            catch (TimeoutException)
            {
                return new AgentAnswer.NoAnswer($"agent did not answer: node {holder}, which holds device {deviceId}'s channel, sent no answer within {timeout.TotalSeconds:0} s.");
            }
            var answer = await db.Set<RelayedAgentCommand>().AsNoTracking().Where(c => c.Id == relayed.Id).Select(c => c.AnswerJson).SingleAsync(ct);
            return JsonSerializer.Deserialize<RelayedAnswer>(answer!, AgentProtocol.Json)!.ToAnswer();
        }
        finally
        {
            _waiting.TryRemove(message.CommandId, out _);
            await db.Set<RelayedAgentCommand>().Where(c => c.Id == relayed.Id).ExecuteDeleteAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// A command was relayed (a cluster notice): if it is for this node, sends it to the agent and writes the answer, in the
    /// background (waiting for an agent must not hold up the other notices).
    /// </summary>
    public void Deliver(string commandId, CancellationToken ct) => _ = Task.Run(async () =>
    {
        try
        {
            await DeliverAsync(commandId, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The sender gave up and deleted the command before the answer was written.
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            AgentsLog.RelayFailed(logger, commandId, ex);
        }
    }, CancellationToken.None);

    private async Task DeliverAsync(string commandId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var relayed = await db.Set<RelayedAgentCommand>().SingleOrDefaultAsync(c => c.Id == commandId && c.NodeId == node.NodeId && c.AnswerJson == null, ct);
        if (relayed is null) return;
        var message = JsonSerializer.Deserialize<AgentCommandMessage>(relayed.MessageJson, AgentProtocol.Json)!;
        AgentAnswer answer;
        if (message.CommandId != relayed.Id || message.ActionId != relayed.ActionId
            || !await db.ResponseActions.AnyAsync(a => a.Id == relayed.ActionId && a.OrganizationId == relayed.OrganizationId, ct))
        {
            AgentsLog.RelayRefused(logger, relayed.Id, relayed.ActionId, relayed.OrganizationId);
            var reason = $"refused: action {relayed.ActionId} is not an action of organization {relayed.OrganizationId}.";
            answer = new AgentAnswer.Replied(false, reason, null, Transient: false);
            // Audited with the answer (one transaction), in the organization whose agent the command addressed.
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Record(RespondPrincipal.System, RefusedCommandAction, "ResponseAction", relayed.ActionId,
                [relayed.OrganizationId], null, new { Command = relayed.Id, relayed.OrganizationId, relayed.DeviceId, Node = node.NodeId, Reason = reason });
        }
        else if (registry.Find(relayed.OrganizationId, relayed.DeviceId) is { } connection)
        {
            AgentsLog.CommandSent(logger, message.CommandId, message.Kind, message.ActionType, message.ActionId, relayed.DeviceId);
            answer = await connection.AskAsync(message, TimeSpan.FromSeconds(relayed.TimeoutSeconds), time, ct);
        }
        else
        {
            answer = new AgentAnswer.NoAnswer($"agent offline: device {relayed.DeviceId} is no longer connected to node {node.NodeId}.");
        }
        relayed.AnswerJson = JsonSerializer.Serialize(RelayedAnswer.Of(answer), AgentProtocol.Json);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The audit action of a relayed command refused by the node holding the agent.</summary>
    public const string RefusedCommandAction = "agent.command.refused";

    /// <summary>A relayed command was answered (a cluster notice): the waiting sender, if it is on this node, reads the answer.</summary>
    public void Answered(string commandId)
    {
        if (_waiting.TryGetValue(commandId, out var waiting)) waiting.TrySetResult();
    }
}
