using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Rules;

public sealed record RuleRefInput(string Id, int? ExpectedVersion);

public sealed class ActivateRuleInputType : InputObjectGraphType<RuleRefInput>
{
    public ActivateRuleInputType()
    {
        Name = "ActivateRuleInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.ExpectedVersion, nullable: true);
    }
}

public sealed class PauseRuleInputType : InputObjectGraphType<RuleRefInput>
{
    public PauseRuleInputType()
    {
        Name = "PauseRuleInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.ExpectedVersion, nullable: true);
    }
}

public sealed class DeleteRuleInputType : InputObjectGraphType<RuleRefInput>
{
    public DeleteRuleInputType()
    {
        Name = "DeleteRuleInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.ExpectedVersion, nullable: true);
    }
}

/// <summary>
/// activateRule: only a valid definition runs. A rule under change control (<see cref="RuleChangeControl"/>) does not
/// run on its author's word: the activation becomes an approval request, and the rule stays as it is (inactive, or
/// running its approved version) until a second principal approves. Asking again for the same version returns the
/// open request.
/// </summary>
internal sealed class ActivateRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(RuleRefInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return RulePayload.Fail(error!);
        if (!rule.IsValid)
        {
            var errors = RuleDefinition.Errors(rule);
            return RulePayload.Fail(new UserError(UserErrorCode.InvalidDefinition,
                $"The rule has {errors.Count} validation error(s) and cannot be activated; first: {errors.FirstOrDefault()?.Message}", "id"));
        }
        var reasons = await rules.ChangeControl.ReasonsAsync(rule, ct);
        var runsCurrent = rule.Status == RuleStatus.Active && rule.RunningVersion == rule.Version;
        // Active and, where it needs one, approved: nothing to do. An active rule that needs approval but never had one
        // (activated before change control, or before its actions became destructive) asks for it now.
        if (runsCurrent && (reasons.Count == 0 || rule.ActivationApprovedBy is not null)) return RulePayload.Ok(rule);
        var before = RuleStore.Summary(rule);
        if (reasons.Count == 0)
        {
            await rules.ChangeControl.CancelPendingAsync(rule, by, "Activated without change control: the rule no longer needs it.", ct);
            rule.Activate(by.Id, rules.Now);
            return await rules.SaveAsync(rule, by, "rule.activated", "activated", before, ct) is { } e ? RulePayload.Fail(e) : RulePayload.Ok(rule);
        }
        if (await rules.PendingActivationAsync(rule, ct) is { } open && open.RuleVersion == rule.Version)
            return new RulePayload(rule, [], open);
        var request = await rules.ChangeControl.OpenAsync(rule, by, reasons, ct);
        return await rules.SaveAsync(rule, by, "rule.activationRequested", "", before, ct) is { } saveError
            ? RulePayload.Fail(saveError)
            : new RulePayload(rule, [], request);
    }
}

/// <summary>pauseRule: stops evaluation and keeps everything else; also withdraws an activation that waits for approval.</summary>
internal sealed class PauseRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(RuleRefInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return RulePayload.Fail(error!);
        var before = RuleStore.Summary(rule);
        if (rule.Status != RuleStatus.Active && rule.PendingActivationRequestId is not null)
        {
            // Not running yet: pausing withdraws the activation that waits for approval.
            await rules.ChangeControl.CancelPendingAsync(rule, by, "The activation was withdrawn.", ct);
            return await rules.SaveAsync(rule, by, "rule.activationWithdrawn", "", before, ct) is { } w ? RulePayload.Fail(w) : RulePayload.Ok(rule);
        }
        if (rule.Status != RuleStatus.Active)
            return RulePayload.Fail(new UserError(UserErrorCode.NotActive, "Only an active rule can be paused.", "id"));
        await rules.ChangeControl.CancelPendingAsync(rule, by, "The rule was paused.", ct);
        rule.Pause(by.Id, rules.Now);
        return await rules.SaveAsync(rule, by, "rule.paused", "paused", before, ct) is { } e ? RulePayload.Fail(e) : RulePayload.Ok(rule);
    }
}

internal sealed class DeleteRule(RuleStore rules)
{
    public async Task<DeleteRulePayload> ExecuteAsync(RuleRefInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return new DeleteRulePayload(null, [error!]);
        await rules.DeleteAsync(rule, by, ct);
        return new DeleteRulePayload(rule.Id, []);
    }
}
