using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Connectors;

/// <summary>
/// The connection check shared by the HTTP connectors: reach the configured base URL with the configured
/// credential. Refused credentials need attention (a person must re-grant); no answer means broken.
/// </summary>
internal sealed class HttpProbeConnector(ConnectorKind kind, string urlSetting, string secretSetting, IHttpClientFactory http) : IConnector
{
    public ConnectorKind Kind => kind;
    public IReadOnlyList<string> RequiredSettings => [urlSetting];
    public IReadOnlyList<string> SecretSettings => [secretSetting];

    // Transitional: replaced by the real Graph, agent and webhook connectors, which can act.
    public IReadOnlySet<ResponseActionType> Capabilities { get; } = new HashSet<ResponseActionType>();

    public Task<ExecutionOutcome> ExecuteAsync(ActionCommand command, ConnectorSettings settings, CancellationToken ct) =>
        Task.FromResult<ExecutionOutcome>(new ExecutionOutcome.Failed($"{kind} cannot execute actions.", Transient: false));

    public Task<VerificationOutcome> VerifyAsync(ActionCommand command, JsonObject? facts, ConnectorSettings settings, CancellationToken ct) =>
        Task.FromResult(new VerificationOutcome(null, $"{kind} cannot verify actions."));

    public async Task<ConnectionCheck> CheckAsync(ConnectorSettings settings, CancellationToken ct)
    {
        if (!Uri.TryCreate(settings.Get(urlSetting), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return new ConnectionCheck(ConnectionStatus.NeedsAttention, $"Setting '{urlSetting}' is not an http(s) URL.");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (settings.Secrets.TryGetValue(secretSetting, out var secret))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.CreateClient("connectors").SendAsync(request, timeout.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    new ConnectionCheck(ConnectionStatus.NeedsAttention, $"The service refused the credentials ({(int)response.StatusCode})."),
                _ when response.IsSuccessStatusCode => new ConnectionCheck(ConnectionStatus.Healthy, null),
                _ => new ConnectionCheck(ConnectionStatus.Broken, $"The service answered {(int)response.StatusCode}."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new ConnectionCheck(ConnectionStatus.Broken, "The service could not be reached.");
        }
    }
}
