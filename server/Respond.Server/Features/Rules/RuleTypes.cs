using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Organizations;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Validation;

namespace Respond.Server.Features.Rules;

public sealed class RuleType : ObjectGraphType<Rule>
{
    public RuleType()
    {
        Name = "Rule";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(r => r.Name);
        Field(r => r.Description);
        Field<NonNullGraphType<EnumerationGraphType<RuleStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<EnumerationGraphType<RuleOutcome>>>("outcome").Resolve(c => c.Source.Outcome);
        Field<NonNullGraphType<JsonGraphType>>("definition").Description("The workflow JSON exactly as saved (WORKFLOWS.md).")
            .Resolve(c => c.Source.DefinitionJson);
        Field(r => r.DefinitionHash).Description("SHA-256 of the canonical definition: the rule version alerts cite.");
        Field(r => r.Version).Description("Pass as expectedVersion to updateRule.");
        Field(r => r.IsValid).Description("Only valid rules can be activated.");
        Field<NonNullGraphType<RuleHealthType>>("health").Description("Whether runs of the running version errored; never a silent no-match.")
            .ResolveAsync(async c => await RuleHealth.OfAsync(c.Service<IRuleRunHistory>(), c.Source, c.Principal(), c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ValidationErrorType>>>>("validationErrors")
            .Resolve(c => RuleDefinition.Errors(c.Source));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("organizationIds")
            .Description("Empty: the rule applies to every organization.").Resolve(c => c.Source.OrganizationIds);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrganizationType>>>>("organizations")
            .ResolveAsync(async c => await c.Service<RuleRelations>().OrganizationsAsync(c.Source, c.Principal(), c.CancellationToken));
        Field(r => r.CreatedAt);
        Field(r => r.CreatedBy);
        Field(r => r.UpdatedAt);
        Field(r => r.UpdatedBy, nullable: true);
        Field(r => r.TemplateId, nullable: true).Description("The community template this rule was duplicated from.");
        Field(r => r.RunningVersion, nullable: true)
            .Description("The version the engine runs; null while the rule does not run. Behind version while a change waits for approval.");
        Field(r => r.ActivatedBy, nullable: true).Description("Who activated the running version.");
        Field(r => r.ActivationApprovedBy, nullable: true)
            .Description("The second principal who approved the running version's activation (change control); null when it needed none.");
        Field(r => r.EditedBy, nullable: true).Description("Who last changed what the rule does.");
        Field<ApprovalRequestType>("pendingActivation")
            .Description("The open RULE_ACTIVATION request: this version runs only once a different Admin or Approver approves it.")
            .ResolveAsync(async c =>
            {
                if (c.Source.PendingActivationRequestId is not { } id) return null;
                var now = c.Service<TimeProvider>().GetUtcNow();
                return await c.Service<RespondDbContext>().ApprovalRequests.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.Id == id && r.Status == ApprovalStatus.Pending && r.ExpiresAt > now, c.CancellationToken);
            });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RuleVersionType>>>>("versions")
            .Description("Every saved state, newest first.")
            .ResolveAsync(async c => await c.Service<RuleRelations>().VersionsAsync(c.Source, c.CancellationToken));
    }
}

public sealed class RuleVersionType : ObjectGraphType<RuleVersion>
{
    public RuleVersionType()
    {
        Name = "RuleVersion";
        Field(v => v.Version);
        Field(v => v.Name);
        Field<NonNullGraphType<EnumerationGraphType<RuleOutcome>>>("outcome").Resolve(c => c.Source.Outcome);
        Field<NonNullGraphType<EnumerationGraphType<RuleStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<JsonGraphType>>("definition").Resolve(c => c.Source.DefinitionJson);
        Field(v => v.DefinitionHash);
        Field(v => v.ChangedBy);
        Field(v => v.ChangedAt);
        Field(v => v.Change).Description("created, updated, activated, paused, ...");
    }
}

public sealed class ValidationErrorType : ObjectGraphType<ValidationError>
{
    public ValidationErrorType()
    {
        Name = "RuleValidationError";
        Field(e => e.NodeId, nullable: true).Description("The node the error is about; null for the graph as a whole.");
        Field(e => e.Field, nullable: true).Description("The field of that node, e.g. config.count.");
        Field(e => e.Message);
    }
}

public sealed class IocRuleType : ObjectGraphType<IocRule>
{
    public IocRuleType()
    {
        Name = "IocRule";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(r => r.Name);
        Field<NonNullGraphType<IdGraphType>>("sourceRuleId").Resolve(c => c.Source.SourceRuleId);
        Field(r => r.SourceRuleVersion);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("organizationIds").Resolve(c => OrganizationScope.Decode(c.Source.Organizations));
        Field(r => r.Ips);
        Field(r => r.Hashes);
        Field(r => r.Domains);
        Field(r => r.ProcessNames);
        Field(r => r.CreatedAt);
        Field(r => r.CreatedBy);
    }
}

/// <summary><see cref="ApprovalRequest"/>: the RULE_ACTIVATION request an activation or change opened (change control), if any.</summary>
public sealed record RulePayload(Rule? Rule, IReadOnlyList<UserError> Errors, ApprovalRequest? ApprovalRequest = null)
{
    public static RulePayload Ok(Rule r) => new(r, []);
    public static RulePayload Fail(params UserError[] errors) => new(null, errors);
}

public sealed class RulePayloadType : ObjectGraphType<RulePayload>
{
    public RulePayloadType()
    {
        Name = "RulePayload";
        Field<RuleType>("rule").Resolve(c => c.Source.Rule);
        Field<ApprovalRequestType>("approvalRequest")
            .Description("The RULE_ACTIVATION request this activation or change opened: the rule waits for a second principal's approval.")
            .Resolve(c => c.Source.ApprovalRequest);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record DeleteRulePayload(string? DeletedRuleId, IReadOnlyList<UserError> Errors);

public sealed class DeleteRulePayloadType : ObjectGraphType<DeleteRulePayload>
{
    public DeleteRulePayloadType()
    {
        Name = "DeleteRulePayload";
        Field<IdGraphType>("deletedRuleId").Resolve(c => c.Source.DeletedRuleId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record IocRulePayload(IocRule? IocRule, IReadOnlyList<UserError> Errors);

public sealed class IocRulePayloadType : ObjectGraphType<IocRulePayload>
{
    public IocRulePayloadType()
    {
        Name = "IocRulePayload";
        Field<IocRuleType>("iocRule").Resolve(c => c.Source.IocRule);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>Reads the stored validation errors back; they are computed once per save, not per read.</summary>
internal static class RuleDefinition
{
    public static IReadOnlyList<ValidationError> Errors(Rule rule) =>
        JsonSerializer.Deserialize<List<ValidationError>>(rule.ValidationErrorsJson, RespondDbContext.JsonOptions) ?? [];

    /// <summary>Validates and stamps a definition onto the rule: raw text, hash, errors.</summary>
    public static void Apply(Rule rule, JsonElement definition, RuleOutcome outcome)
    {
        var errors = DefinitionValidator.Validate(definition, outcome);
        rule.Outcome = outcome;
        rule.DefinitionJson = definition.GetRawText();
        rule.DefinitionHash = DefinitionHash.Compute(definition);
        rule.ValidationErrorsJson = JsonSerializer.Serialize(errors, RespondDbContext.JsonOptions);
        rule.IsValid = errors.Count == 0;
    }
}
