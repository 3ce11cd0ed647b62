using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Settings;

public sealed record UpdateProtectedTargetsInput(List<string> Devices, List<string> Accounts, int? ExpectedVersion, string? OrganizationId = null);

public sealed class UpdateProtectedTargetsInputType : InputObjectGraphType<UpdateProtectedTargetsInput>
{
    public UpdateProtectedTargetsInputType()
    {
        Name = "UpdateProtectedTargetsInput";
        Field(i => i.Devices).Description("Device ids never actioned automatically (domain controllers, jump hosts). The complete list.");
        Field(i => i.Accounts).Description("User ids never actioned automatically (break-glass admins). The complete list.");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
    }
}

/// <summary>Issue 5's protected targets: automatic actions against them always wait for a person.</summary>
public static class UpdateProtectedTargets
{
    public const int MaxEntries = 1000;

    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, UpdateProtectedTargetsInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "settings.protectedTargetsUpdated", input.ExpectedVersion, (s, now) =>
        {
            if (input.Devices.Count > MaxEntries || input.Accounts.Count > MaxEntries)
                return new UserError(UserErrorCode.Validation, $"At most {MaxEntries} protected devices and {MaxEntries} protected accounts.", "devices");
            if (input.Devices.Concat(input.Accounts).FirstOrDefault(v => string.IsNullOrWhiteSpace(v) || v.Length > 256) is { } bad)
                return new UserError(UserErrorCode.Validation, $"Protected target '{bad}' must be 1-256 characters.", "devices");
            s.ProtectedDevices = input.Devices.Select(d => d.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            s.ProtectedAccounts = input.Accounts.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            s.Touch(now);
            return null;
        }, ct);
}
