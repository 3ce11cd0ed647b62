using System.Globalization;
using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Settings;

public sealed record UpdateAutoResponseSettingsInput(
    bool AutoIsolateOnCritical, bool AutoKillOnHigh, ActiveHoursInput? ActiveHours,
    List<ResponseActionType>? AlwaysRequireApproval, int? ExpectedVersion, string? OrganizationId = null);

public sealed class UpdateAutoResponseSettingsInputType : InputObjectGraphType<UpdateAutoResponseSettingsInput>
{
    public UpdateAutoResponseSettingsInputType()
    {
        Name = "UpdateAutoResponseSettingsInput";
        Field(i => i.AutoIsolateOnCritical);
        Field(i => i.AutoKillOnHigh);
        Field<ActiveHoursInputType>("activeHours").Description("Null: auto-response may act at any time.");
        Field<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>("alwaysRequireApproval");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
    }
}

/// <summary>Seed 002 "Auto-Response": the switches, the active hours, and the approval overrides.</summary>
public static class UpdateAutoResponseSettings
{
    private static readonly string[] Days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateAutoResponseSettingsInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "settings.autoResponseUpdated", input.ExpectedVersion, (s, now) =>
        {
            if (input.ActiveHours is { } hours && Validate(hours) is { } error) return error;
            s.AutoResponse = new AutoResponseSettings
            {
                AutoIsolateOnCritical = input.AutoIsolateOnCritical,
                AutoKillOnHigh = input.AutoKillOnHigh,
                ActiveHours = input.ActiveHours is { } h
                    ? new ActiveHours
                    {
                        TimeZone = h.TimeZone,
                        Windows = h.Windows.Select(w => new ActiveHoursWindow { Days = w.Days.Select(d => d.ToUpperInvariant()).ToList(), From = w.From, To = w.To }).ToList(),
                    }
                    : null,
                AlwaysRequireApproval = (input.AlwaysRequireApproval ?? []).Distinct().Order().ToList(),
            };
            s.Touch(now);
            return null;
        }, ct);

    private static UserError? Validate(ActiveHoursInput hours)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(hours.TimeZone, out _))
            return new UserError(UserErrorCode.Validation, $"'{hours.TimeZone}' is not an IANA time zone (e.g. Europe/Berlin).", ["input", "activeHours", "timeZone"]);
        if (hours.Windows.Count == 0)
            return new UserError(UserErrorCode.Validation, "Active hours need at least one window.", ["input", "activeHours", "windows"]);
        for (var i = 0; i < hours.Windows.Count; i++)
        {
            var w = hours.Windows[i];
            var path = new[] { "input", "activeHours", "windows", i.ToString(CultureInfo.InvariantCulture) };
            if (w.Days.Count == 0 || w.Days.Any(d => !Days.Contains(d.ToUpperInvariant())))
                return new UserError(UserErrorCode.Validation, "Days must be among MON, TUE, WED, THU, FRI, SAT, SUN.", [.. path, "days"]);
            if (!TimeOnly.TryParseExact(w.From, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return new UserError(UserErrorCode.Validation, $"'{w.From}' is not a time of day in HH:mm.", [.. path, "from"]);
            if (!TimeOnly.TryParseExact(w.To, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return new UserError(UserErrorCode.Validation, $"'{w.To}' is not a time of day in HH:mm.", [.. path, "to"]);
        }
        return null;
    }
}
