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

/// <summary>activateRule: only a valid definition runs.</summary>
internal sealed class ActivateRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(RuleRefInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return RulePayload.Fail(error!);
        if (!rule.IsValid)
        {
            var errors = RuleDefinition.Errors(rule);
            return RulePayload.Fail(new UserError("INVALID_DEFINITION",
                $"The rule has {errors.Count} validation error(s) and cannot be activated; first: {errors.FirstOrDefault()?.Message}", "id"));
        }
        if (rule.Status == RuleStatus.Active) return RulePayload.Ok(rule);
        var before = RuleStore.Summary(rule);
        rule.Activate(by.Id, rules.Now);
        return await rules.SaveAsync(rule, by, "rule.activated", "activated", before, ct) is { } e ? RulePayload.Fail(e) : RulePayload.Ok(rule);
    }
}

/// <summary>pauseRule: stops evaluation and keeps everything else.</summary>
internal sealed class PauseRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(RuleRefInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return RulePayload.Fail(error!);
        if (rule.Status != RuleStatus.Active)
            return RulePayload.Fail(new UserError("NOT_ACTIVE", "Only an active rule can be paused.", "id"));
        var before = RuleStore.Summary(rule);
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
