using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed class RespondSettingsType : ObjectGraphType<RespondSettings>
{
    public RespondSettingsType()
    {
        Name = "RespondSettings";
        Description = "Whether Respond is on, and the workspace's response policy (seed 000, 002).";
        Field(s => s.Enabled);
        Field(s => s.EnabledAt, nullable: true);
        Field(s => s.EnabledBy, nullable: true).Description("Who turned Respond on and acknowledged the terms.");
        Field(s => s.AcknowledgedTerms).Description("The terms acknowledged when Respond was turned on.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("requiredTerms")
            .Description("What turnOnRespond must acknowledge, in this order.").Resolve(_ => RespondSettings.RequiredTerms);
        Field(s => s.DisabledAt, nullable: true);
        Field(s => s.DisabledBy, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("approvalRequirements")
            .Description("Action types that need a second person's approval (dual control).").Resolve(c => c.Source.ApprovalRequired);
        Field<NonNullGraphType<AutoResponseSettingsType>>("autoResponse").Resolve(c => c.Source.AutoResponse);
        Field(s => s.ProtectedDevices).Description("Devices never actioned automatically: automatic actions on them wait for approval.");
        Field(s => s.ProtectedAccounts).Description("Accounts never actioned automatically: automatic actions on them wait for approval.");
        Field(s => s.Version).Description("Pass as expectedVersion to refuse an update made on stale settings.");
        Field(s => s.UpdatedAt);
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

public sealed record RespondSettingsPayload(RespondSettings? Settings, IReadOnlyList<UserError> Errors)
{
    public static RespondSettingsPayload Ok(RespondSettings s) => new(s, []);
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
