namespace Respond.Server.Connectors.Agents;

internal static partial class AgentsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} enrolled device {DeviceId} of organization {OrganizationId}")]
    public static partial void Enrolled(ILogger logger, string agentId, string deviceId, string organizationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent enrolment refused: {Reason}")]
    public static partial void EnrollmentRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent channel refused: the credential of agent {AgentId} was not accepted")]
    public static partial void ChannelRefused(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} (device {DeviceId}, organization {OrganizationId}) connected")]
    public static partial void Connected(ILogger logger, string agentId, string deviceId, string organizationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} (device {DeviceId}) disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string agentId, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Kind} {ActionType}) of action {ActionId} sent to device {DeviceId}")]
    public static partial void CommandSent(ILogger logger, string commandId, string kind, string actionType, string actionId, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} of action {ActionId} ended: {Outcome}")]
    public static partial void CommandEnded(ILogger logger, string commandId, string actionId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Result of command {CommandId} from agent {AgentId} arrived after nobody waited for it; ignored")]
    public static partial void LateResult(ILogger logger, string commandId, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} of device {DeviceId} in {OrganizationId} revoked by {By}")]
    public static partial void Revoked(ILogger logger, string agentId, string deviceId, string organizationId, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} relayed to node {NodeId}, which holds the agent's channel")]
    public static partial void CommandRelayed(ILogger logger, string commandId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relayed command {CommandId} refused: action {ActionId} is not an action of organization {OrganizationId}")]
    public static partial void RelayRefused(ILogger logger, string commandId, string actionId, string organizationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering relayed command {CommandId} failed")]
    public static partial void RelayFailed(ILogger logger, string commandId, Exception exception);
}
