using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed class RespondSettingsType : ObjectGraphType<OrganizationSettings>
{
    public RespondSettingsType()
    {
        Name = "RespondSettings";
        Description = "Whether Respond is on, and the response policy (seed 000, 002): of one organization, or the installation-wide defaults.";
        Field<IdGraphType>("organizationId").Description("The organization these settings govern; null: the installation-wide defaults.")
            .Resolve(c => c.Source.OrganizationId == RespondSettings.Defaults ? null : c.Source.OrganizationId);
        Field<NonNullGraphType<BooleanGraphType>>("inheritsDefaults")
            .Description("True while the organization has no settings of its own and follows the defaults; its first change copies them.")
            .Resolve(c => c.Source.InheritsDefaults);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Resolve(c => c.Source.Settings.Enabled);
        Field<DateTimeScalar>("enabledAt").Resolve(c => c.Source.Settings.EnabledAt);
        Field<StringGraphType>("enabledBy").Description("Who turned Respond on and acknowledged the terms.").Resolve(c => c.Source.Settings.EnabledBy);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("acknowledgedTerms")
            .Description("The terms acknowledged when Respond was turned on.").Resolve(c => c.Source.Settings.AcknowledgedTerms);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("requiredTerms")
            .Description("What turnOnRespond must acknowledge, in this order.").Resolve(_ => RespondSettings.RequiredTerms);
        Field<DateTimeScalar>("disabledAt").Resolve(c => c.Source.Settings.DisabledAt);
        Field<StringGraphType>("disabledBy").Resolve(c => c.Source.Settings.DisabledBy);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("approvalRequirements")
            .Description("Action types that need a second person's approval (dual control).").Resolve(c => c.Source.Settings.ApprovalRequired);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalPolicyType>>>>("approvalPolicies")
            .Description("Quorum, first group, escalation and fallback per action type; a type not listed needs one approval from any Approver.")
            .Resolve(c => c.Source.Settings.ApprovalPolicies);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("onCall")
            .Description($"Principal ids an escalation step's \"{EscalationStep.OnCall}\" tells.").Resolve(c => c.Source.Settings.OnCall);
        Field<NonNullGraphType<AutoResponseSettingsType>>("autoResponse").Resolve(c => c.Source.Settings.AutoResponse);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("protectedDevices")
            .Description("Devices never actioned automatically: automatic actions on them wait for approval.").Resolve(c => c.Source.Settings.ProtectedDevices);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("protectedAccounts")
            .Description("Accounts never actioned automatically: automatic actions on them wait for approval.").Resolve(c => c.Source.Settings.ProtectedAccounts);
        Field<NonNullGraphType<IntGraphType>>("version").Description("Pass as expectedVersion to refuse an update made on stale settings.").Resolve(c => c.Source.Settings.Version);
        Field<NonNullGraphType<DateTimeScalar>>("updatedAt").Resolve(c => c.Source.Settings.UpdatedAt);
    }
}

public sealed class ApprovalPolicyType : ObjectGraphType<ActionApprovalPolicy>
{
    public ApprovalPolicyType()
    {
        Name = "ApprovalPolicy";
        Field<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>("type").Resolve(c => c.Source.Type);
        Field(p => p.ApprovalsRequired).Description("Distinct approvers who must approve; the submitter never counts, the first rejection decides.");
        Field(p => p.Approvers).Description("The first group: principal ids or roles told and allowed to decide; empty: any Approver.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EscalationStepType>>>>("escalation").Resolve(c => c.Source.Escalation);
        Field<IntGraphType>("timeoutMinutes").Description("Minutes until the fallback; null: Respond:Approvals:DefaultTimeout.")
            .Resolve(c => c.Source.Timeout is { } t ? (int)t.TotalMinutes : null);
        Field<NonNullGraphType<EnumerationGraphType<ApprovalFallback>>>("fallback").Resolve(c => c.Source.Fallback);
        Field(p => p.AutoApproveReason, nullable: true).Description("Why fallback APPROVE may run the action without a decision (quoted by the audit).");
    }
}

public sealed class AutoResponseSettingsType : ObjectGraphType<AutoResponseSettings>
{
    public AutoResponseSettingsType()
    {
        Name = "AutoResponseSettings";
        Field(s => s.AutoIsolateOnCritical).Description("Isolate the device when a critical detection fires.");
        Field(s => s.AutoKillOnHigh).Description("Kill the malicious process on a high detection.");
        Field<ActiveHoursType>("activeHours").Description("When auto-response may act; null means always.").Resolve(c => c.Source.ActiveHours);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("alwaysRequireApproval")
            .Description("Action types that need approval even from auto-response.").Resolve(c => c.Source.AlwaysRequireApproval);
    }
}

public sealed class ActiveHoursType : ObjectGraphType<ActiveHours>
{
    public ActiveHoursType()
    {
        Name = "ActiveHours";
        Field(h => h.TimeZone).Description("IANA time zone, e.g. Europe/Berlin.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActiveHoursWindowType>>>>("windows").Resolve(c => c.Source.Windows);
    }
}

public sealed class ActiveHoursWindowType : ObjectGraphType<ActiveHoursWindow>
{
    public ActiveHoursWindowType()
    {
        Name = "ActiveHoursWindow";
        Field(w => w.Days).Description("MON..SUN.");
        Field(w => w.From).Description("HH:mm local time.");
        Field(w => w.To).Description("HH:mm local time; earlier than From means the window crosses midnight.");
    }
}

public sealed class ActiveHoursInputType : InputObjectGraphType<ActiveHoursInput>
{
    public ActiveHoursInputType()
    {
        Name = "ActiveHoursInput";
        Field(h => h.TimeZone);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActiveHoursWindowInputType>>>>("windows");
    }
}

public sealed class ActiveHoursWindowInputType : InputObjectGraphType<ActiveHoursWindowInput>
{
    public ActiveHoursWindowInputType()
    {
        Name = "ActiveHoursWindowInput";
        Field(w => w.Days);
        Field(w => w.From);
        Field(w => w.To);
    }
}

public sealed record ActiveHoursInput(string TimeZone, List<ActiveHoursWindowInput> Windows);

public sealed record ActiveHoursWindowInput(List<string> Days, string From, string To);

public sealed record RespondSettingsPayload(OrganizationSettings? Settings, IReadOnlyList<UserError> Errors)
{
    public static RespondSettingsPayload Ok(OrganizationSettings s) => new(s, []);
    public static RespondSettingsPayload Fail(params UserError[] errors) => new(null, errors);
}

public sealed class RespondSettingsPayloadType : ObjectGraphType<RespondSettingsPayload>
{
    public RespondSettingsPayloadType()
    {
        Name = "RespondSettingsPayload";
        Field<RespondSettingsType>("settings").Resolve(c => c.Source.Settings);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
