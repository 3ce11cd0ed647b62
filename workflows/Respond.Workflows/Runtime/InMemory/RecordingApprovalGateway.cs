using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>Records approval requests (with the actions they propose) instead of storing and publishing them.</summary>
public sealed class RecordingApprovalGateway : IApprovalGateway
{
    private readonly Lock gate = new();
    private readonly List<(string Id, ApprovalOpening Opening)> openings = [];

    public IReadOnlyList<(string Id, ApprovalOpening Opening)> Openings
    {
        get { lock (gate) { return [.. openings]; } }
    }

    public ValueTask<string> OpenAsync(ApprovalOpening opening, CancellationToken ct)
    {
        lock (gate)
        {
            var id = $"approval-{openings.Count + 1}";
            openings.Add((id, opening));
            return ValueTask.FromResult(id);
        }
    }
}
