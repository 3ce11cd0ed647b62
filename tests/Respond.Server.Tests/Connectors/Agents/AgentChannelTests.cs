using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Respond.Server.Connectors;
using Respond.Server.Features.Organizations;
using Respond.Workflows;
using static Respond.Server.Tests.Connectors.Agents.AgentTestSupport;

namespace Respond.Server.Tests.Connectors.Agents;

/// <summary>The channel and the connector against a scripted in-process agent: the cases a real agent does not produce on demand.</summary>
public sealed class AgentChannelTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private async Task<WebSocket> ConnectAsync(string authorization)
    {
        var client = api.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = authorization;
        return await client.ConnectAsync(new Uri(api.Server.BaseAddress, "api/agents/connect"), CancellationToken.None);
    }

    private async Task<(WebSocket Socket, string DeviceId)> ConnectedAgentAsync()
    {
        var deviceId = "scripted-" + Guid.NewGuid().ToString("N")[..8];
        var (agentId, secret) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);
        var socket = await ConnectAsync(Basic(agentId, secret));
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is not null, "the scripted agent is registered");
        return (socket, deviceId);
    }

    private static async Task<JsonObject> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!.AsObject();
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    [Fact]
    public async Task Connect_WrongSecret_Refused401()
    {
        var (agentId, _) = await EnrollAsync(api, await CreateTokenAsync(api), "channel-bad-secret");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(Basic(agentId, "ras_not-the-secret")));

        Assert.Contains("401", refused.Message);
        Assert.Null(Registry(api).Find("org-a", "channel-bad-secret"));
    }

    [Fact]
    public async Task Connect_NoCredential_Refused401()
    {
        var bearer = "Bearer " + await api.TokenAsync("admin");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(bearer));

        Assert.Contains("401", refused.Message);
    }

    [Fact]
    public async Task Execute_AgentAnswersResult_SucceededWithItsFacts()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;
        var execution = Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242), Settings(), CancellationToken.None);

        var command = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "ack", commandId = command.Str("commandId") });
        await SendAsync(socket, new { type = "result", commandId = command.Str("commandId"), succeeded = true, details = "Killed PID 4242.", facts = new { pid = 4242 } });
        var outcome = Assert.IsType<ExecutionOutcome.Succeeded>(await execution);

        Assert.Equal("command", command.Str("type"));
        Assert.Equal("execute", command.Str("kind"));
        Assert.Equal("KILL_PROCESS", command.Str("actionType"));
        Assert.Equal(4242, command.At("target.processId").GetValue<int>());
        Assert.Equal("Killed PID 4242.", outcome.Details);
        Assert.Equal(4242, outcome.Facts!["pid"]!.GetValue<int>());
    }

    [Fact]
    public async Task Execute_AgentAnswersFailure_PermanentFailureWithItsDetails()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;
        var execution = Connector(api).ExecuteAsync(Command(ResponseActionType.BlockIp, deviceId), Settings(), CancellationToken.None);

        var command = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "result", commandId = command.Str("commandId"), succeeded = false, details = "not supported: needs root/nftables" });

        var failed = Assert.IsType<ExecutionOutcome.Failed>(await execution);
        Assert.False(failed.Transient);
        Assert.Equal("not supported: needs root/nftables", failed.Reason);
    }

    [Fact]
    public async Task Execute_AgentAcknowledgesButNeverAnswers_TransientDidNotAnswer()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;
        var execution = Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242), Settings(commandTimeoutSeconds: 1), CancellationToken.None);

        var command = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "ack", commandId = command.Str("commandId") });

        var failed = Assert.IsType<ExecutionOutcome.Failed>(await execution);
        Assert.True(failed.Transient);
        Assert.StartsWith("agent did not answer", failed.Reason);
        Assert.Contains("acknowledged", failed.Reason);
    }

    [Fact]
    public async Task Execute_AgentDisconnectsBeforeAnswering_TransientAtOnce()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        var execution = Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242), Settings(commandTimeoutSeconds: 60), CancellationToken.None);

        await ReceiveAsync(socket);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(await execution.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(failed.Transient);
        Assert.Contains($"device {deviceId} disconnected", failed.Reason);
        socket.Dispose();
    }

    [Fact]
    public async Task Execute_ResultWithMadeUpCommandId_Ignored()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;
        var execution = Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242), Settings(commandTimeoutSeconds: 2), CancellationToken.None);

        await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "result", commandId = "cmd-made-up", succeeded = true, details = "forged" });
        await SendAsync(socket, new { type = "nonsense" });

        var failed = Assert.IsType<ExecutionOutcome.Failed>(await execution);
        Assert.True(failed.Transient);
    }

    [Fact]
    public async Task Verify_AgentSaysItCannotCheck_NotApplicable()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;
        var verification = Connector(api).VerifyAsync(Command(ResponseActionType.IsolateDevice, deviceId), new JsonObject { ["table"] = "t" }, Settings(), CancellationToken.None);

        var command = await ReceiveAsync(socket);
        await SendAsync(socket, new { type = "result", commandId = command.Str("commandId"), succeeded = false, details = "not supported: needs root/nftables", facts = new { verifiable = false } });

        var outcome = await verification;
        Assert.Equal("verify", command.Str("kind"));
        Assert.Equal("t", command.Str("facts.table"));
        Assert.Null(outcome.Passed);
    }

    [Fact]
    public async Task Reenroll_WhileConnected_OldConnectionDroppedAndOldSecretRefused()
    {
        var deviceId = "channel-reenrol";
        var (agentId, oldSecret) = await EnrollAsync(api, await CreateTokenAsync(api), deviceId);
        using var socket = await ConnectAsync(Basic(agentId, oldSecret));
        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is not null, "the agent is registered");

        await EnrollAsync(api, await CreateTokenAsync(api), deviceId);

        await WaitUntilAsync(() => Registry(api).Find("org-a", deviceId) is null, "the old connection is dropped");
        await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(Basic(agentId, oldSecret)));
    }

    [Fact]
    public async Task Check_OrganizationWithoutAgents_NeedsAttention()
    {
        await api.GraphQLAsync("admin", "mutation { createOrganization(input: { id: \"org-no-agents\", name: \"No agents\" }) { errors { code } } }");

        var check = await Connector(api).CheckAsync(Settings("org-no-agents"), CancellationToken.None);

        Assert.Equal(ConnectionStatus.NeedsAttention, check.Status);
        Assert.Contains("no agent has enrolled", check.Error);
    }

    [Fact]
    public async Task Check_AgentConnected_Healthy()
    {
        var (socket, _) = await ConnectedAgentAsync();
        using var _s = socket;

        var check = await Connector(api).CheckAsync(Settings("org-a"), CancellationToken.None);

        Assert.Equal(ConnectionStatus.Healthy, check.Status);
    }

    [Fact]
    public async Task Execute_DeviceNeverEnrolled_TransientOfflineNamingTheDevice()
    {
        var outcome = await Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, "ghost-device", processId: 4242), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.True(failed.Transient);
        Assert.StartsWith("agent offline: device ghost-device", failed.Reason);
    }

    [Fact]
    public async Task Execute_DeviceOfAnotherOrganization_Offline()
    {
        var (socket, deviceId) = await ConnectedAgentAsync();
        using var _ = socket;

        var outcome = await Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, deviceId, processId: 4242, organizationId: "org-b"), Settings("org-b"), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.True(failed.Transient);
        Assert.Contains("agent offline", failed.Reason);
    }

    [Fact]
    public async Task Execute_NoDeviceInTarget_PermanentFailure()
    {
        var outcome = await Connector(api).ExecuteAsync(Command(ResponseActionType.KillProcess, null, processId: 4242), Settings(), CancellationToken.None);

        var failed = Assert.IsType<ExecutionOutcome.Failed>(outcome);
        Assert.False(failed.Transient);
        Assert.Contains("target.deviceId", failed.Reason);
    }
}
