using GraphQL;
using GraphQL.Types;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Approvals;

public enum ApprovalDecision { Approve, Reject }

public sealed record DecideApprovalRequestsInput(List<string> Ids, ApprovalDecision Decision, string Justification);

public sealed class DecideApprovalRequestsInputType : InputObjectGraphType<DecideApprovalRequestsInput>
{
    public DecideApprovalRequestsInputType()
    {
        Name = "DecideApprovalRequestsInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids").Description($"At most {DecideApprovalRequests.MaxIds} requests.");
        Field<NonNullGraphType<EnumerationGraphType<ApprovalDecision>>>("decision");
        Field(i => i.Justification).Description("Why: recorded as the comment of every decision.");
    }
}

/// <summary>One request of a bulk decision: decided, or skipped with the reason (the same error approveRequest would give).</summary>
public sealed record ApprovalDecisionResult(string Id, ApprovalRequest? ApprovalRequest, UserError? Error)
{
    public bool Decided => Error is null;
}

public sealed class ApprovalDecisionResultType : ObjectGraphType<ApprovalDecisionResult>
{
    public ApprovalDecisionResultType()
    {
        Name = "ApprovalDecisionResult";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(r => r.Decided);
        Field<ApprovalRequestType>("approvalRequest").Resolve(c => c.Source.ApprovalRequest);
        Field<UserErrorType>("error").Description("Why it was skipped: DUAL_CONTROL (your own or your rule's), NOT_AN_APPROVER, ALREADY_DECIDED, EXPIRED, NOT_FOUND...")
            .Resolve(c => c.Source.Error);
    }
}

public sealed record DecideApprovalRequestsPayload(IReadOnlyList<ApprovalDecisionResult> Results, IReadOnlyList<UserError> Errors)
{
    public int DecidedCount => Results.Count(r => r.Decided);
    public int SkippedCount => Results.Count(r => !r.Decided);
}

public sealed class DecideApprovalRequestsPayloadType : ObjectGraphType<DecideApprovalRequestsPayload>
{
    public DecideApprovalRequestsPayloadType()
    {
        Name = "DecideApprovalRequestsPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalDecisionResultType>>>>("results").Description("One per distinct id, in the order given.")
            .Resolve(c => c.Source.Results);
        Field(p => p.DecidedCount);
        Field(p => p.SkippedCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>
/// decideApprovalRequests: one justification for many requests, decided one by one exactly as approveRequest / rejectRequest
/// decide one (dual control, approvers, quorum, expiry, each audited), each in its own unit of work so one refusal or race
/// never undoes or blocks another. Refusals are audited per request like the single mutations' refusals.
/// </summary>
internal sealed class DecideApprovalRequests(ApprovalDecisions decisions, AuthorizationRefusals refusals)
{
    public const int MaxIds = 200;
    public const int MaxJustificationLength = 2000;
    private const string Operation = "decideApprovalRequests";

    public async Task<DecideApprovalRequestsPayload> ExecuteAsync(DecideApprovalRequestsInput input, RespondPrincipal by, CancellationToken ct)
    {
        var ids = input.Ids.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is 0 or > MaxIds)
            return Invalid("ids", $"Give between 1 and {MaxIds} request ids; {ids.Count} were given.");
        if (string.IsNullOrWhiteSpace(input.Justification))
            return Invalid("justification", "Say why: the justification is recorded with every decision.");
        if (input.Justification.Length > MaxJustificationLength)
            return Invalid("justification", $"The justification is {input.Justification.Length} characters long; at most {MaxJustificationLength} are accepted.");

        var outcome = input.Decision == ApprovalDecision.Approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected;
        var results = new List<ApprovalDecisionResult>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var decided = await decisions.DecideAsync(new DecideApprovalInput(ids[i], input.Justification.Trim()), outcome, by, ct);
            if (decided.Errors.Count == 0)
            {
                results.Add(new ApprovalDecisionResult(ids[i], decided.ApprovalRequest, null));
                continue;
            }
            var error = decided.Errors[0] with { Path = ["input", "ids", i.ToString(System.Globalization.CultureInfo.InvariantCulture)] };
            if (AuthorizationRefusals.RefusalCodes.Contains(error.Code.ToSchemaName())) await refusals.RecordAsync(by, Operation, error.Code.ToSchemaName(), error.Message, error.Path);
            results.Add(new ApprovalDecisionResult(ids[i], null, error));
        }
        return new DecideApprovalRequestsPayload(results, []);
    }

    private static DecideApprovalRequestsPayload Invalid(string field, string message) => new([], [new UserError(UserErrorCode.Validation, message, field)]);

    public static void Mutation(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<DecideApprovalRequestsPayloadType>>("decideApprovalRequests")
            .Description("Approves or rejects many requests with one justification; each is decided as approveRequest/rejectRequest would, the rest skipped with the reason.")
            .Argument<NonNullGraphType<DecideApprovalRequestsInputType>>("input")
            .ResolveAsync(async c => await c.Service<DecideApprovalRequests>().ExecuteAsync(c.GetArgument<DecideApprovalRequestsInput>("input"),
                c.Require(Roles.Admin, Roles.Approver), c.CancellationToken));
}
