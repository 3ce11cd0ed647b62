using System.Text.Json;
using GraphQL.Types;
using Respond.Server.Features.Approvals;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Rules;

public sealed record UpdateRuleInput(string Id, int ExpectedVersion, string? Name, string? Description,
    List<string>? OrganizationIds, RuleOutcome? Outcome, JsonElement? Definition);

public sealed class UpdateRuleInputType : InputObjectGraphType<UpdateRuleInput>
{
    public UpdateRuleInputType()
    {
        Name = "UpdateRuleInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.ExpectedVersion).Description("The version you edited; a different stored version refuses the update (STALE_VERSION).");
        Field(i => i.Name, nullable: true);
        Field(i => i.Description, nullable: true);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("organizationIds");
        Field<EnumerationGraphType<RuleOutcome>>("outcome");
        Field<JsonGraphType>("definition");
    }
}

/// <summary>
/// Saves an edit on top of the version the author saw. An active rule stays active only while its definition is valid;
/// an invalid edit turns it back into a draft rather than losing the edit. A change to an active rule under change
/// control does not run on its author's word: the approved version keeps running and the new one waits for a second
/// principal (<see cref="RuleChangeControl"/>); so does a rule whose activation is already waiting.
/// </summary>
internal sealed class UpdateRule(RuleStore rules)
{
    public async Task<RulePayload> ExecuteAsync(UpdateRuleInput input, RespondPrincipal by, CancellationToken ct)
    {
        var (rule, error) = await rules.LoadForChangeAsync(input.Id, by, input.ExpectedVersion, ct);
        if (rule is null) return RulePayload.Fail(error!);
        if (input.Name is not null && RuleInput.CheckName(input.Name) is { } nameError) return RulePayload.Fail(nameError);
        if (input.OrganizationIds is { } orgs && await rules.CheckOrganizationsAsync(orgs.Distinct().ToList(), by, ct) is { } orgError)
            return RulePayload.Fail(orgError);

        var before = RuleStore.Summary(rule);
        var running = await rules.RunningVersionAsync(rule, ct);
        var (hash, outcome, organizations) = (rule.DefinitionHash, rule.Outcome, rule.Organizations);
        if (input.Name is not null) rule.Name = input.Name.Trim();
        if (input.Description is not null) rule.Description = input.Description;
        if (input.OrganizationIds is { } ids) rule.Organizations = OrganizationScope.Encode(ids);
        if (input.Definition is not null || input.Outcome is not null)
        {
            var definition = input.Definition ?? JsonDocument.Parse(rule.DefinitionJson).RootElement;
            RuleDefinition.Apply(rule, definition, input.Outcome ?? rule.Outcome);
        }
        rule.Touch(by.Id, rules.Now, edited: input.Name is not null || RuleDiff.ChangesWhatRuns(hash, outcome, organizations, rule));

        ApprovalRequest? request = null;
        var reasons = await rules.ChangeControl.ReasonsAsync(rule, ct);
        if (rule.Status == RuleStatus.Active)
        {
            var changesWhatRuns = running is null || RuleDiff.ChangesWhatRuns(running.DefinitionHash, running.Outcome, running.Organizations ?? organizations, rule);
            if (reasons.Count == 0 || !changesWhatRuns)
            {
                await rules.ChangeControl.CancelPendingAsync(rule, by, "The rule's current version runs without a new approval.", ct);
                rule.RunCurrentVersion(keepApproval: !changesWhatRuns);
            }
            else request = await rules.ChangeControl.OpenAsync(rule, by, reasons, ct);
        }
        else if (rule.PendingActivationRequestId is not null)
        {
            if (reasons.Count > 0) request = await rules.ChangeControl.OpenAsync(rule, by, reasons, ct);
            else await rules.ChangeControl.CancelPendingAsync(rule, by, "The rule changed and no longer needs change control; activate it again.", ct);
        }
        return await rules.SaveAsync(rule, by, "rule.updated", "updated", before, ct) is { } saveError
            ? RulePayload.Fail(saveError)
            : new RulePayload(rule, [], request);
    }
}
