using System.Text.Json;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// What a request proposes, read from its stored actions: the action types and their targets. Two pending requests with
/// the same <see cref="GroupKey"/> (organization, action types, targets) propose the same thing, so one decision fits both.
/// </summary>
public sealed record ApprovalProposal(IReadOnlyList<ResponseActionType> ActionTypes, IReadOnlyList<string> Targets, string GroupKey)
{
    public static ApprovalProposal Of(ApprovalRequest request)
    {
        var types = new List<ResponseActionType>();
        var targets = new List<string>();
        using var json = JsonDocument.Parse(request.ProposedActionsJson);
        if (json.RootElement.ValueKind == JsonValueKind.Array)
            foreach (var action in json.RootElement.EnumerateArray())
            {
                if (action.TryGetProperty("type", out var type) && Enum.TryParse<ResponseActionType>(type.GetString(), out var parsed)) types.Add(parsed);
                targets.Add(action.TryGetProperty("target", out var target) ? Describe(target) : "");
            }
        var parts = types.Select((t, i) => ApiEnumName.Format(t) + (i < targets.Count && targets[i].Length > 0 ? " " + targets[i] : ""));
        // A rule activation proposes the rule's action blocks, not actions on targets: it only groups with itself.
        var key = request.Kind == ApprovalKind.RuleActivation
            ? $"{request.OrganizationId}|RULE_ACTIVATION|{request.RuleId}"
            : $"{request.OrganizationId}|{string.Join(";", parts.Order(StringComparer.Ordinal))}";
        return new ApprovalProposal(types, targets, key);
    }

    /// <summary>The target's set fields as "deviceId=dev-7 userId=…", in a stable order.</summary>
    private static string Describe(JsonElement target) =>
        target.ValueKind != JsonValueKind.Object
            ? ""
            : string.Join(" ", target.EnumerateObject()
                .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}")
                .Order(StringComparer.Ordinal));
}
