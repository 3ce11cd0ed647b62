using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Settings;

public sealed record TurnOnRespondInput(List<string> AcknowledgedTerms, int? ExpectedVersion, string? OrganizationId = null);

public sealed class TurnOnRespondInputType : InputObjectGraphType<TurnOnRespondInput>
{
    public TurnOnRespondInputType()
    {
        Name = "TurnOnRespondInput";
        Field(i => i.AcknowledgedTerms).Description("Every term of respondSettings.requiredTerms: the checkboxes of the turn-on screen.");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
    }
}

/// <summary>Seed 000: turning on records who acknowledged what, and starts nothing by itself.</summary>
public static class TurnOnRespond
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, TurnOnRespondInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "respond.turnedOn", input.ExpectedVersion, (s, now) =>
        {
            var missing = RespondSettings.RequiredTerms.Except(input.AcknowledgedTerms, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
                return new UserError(UserErrorCode.TermsNotAcknowledged, "Acknowledge every term before turning Respond on; missing: " + string.Join(", ", missing), "acknowledgedTerms");
            var unknown = input.AcknowledgedTerms.Except(RespondSettings.RequiredTerms, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                return new UserError(UserErrorCode.Validation, "Unknown terms: " + string.Join(", ", unknown), "acknowledgedTerms");
            if (s.Enabled) return new UserError(UserErrorCode.AlreadyOn, "Respond is already on.", "acknowledgedTerms");
            s.TurnOn(by.Id, input.AcknowledgedTerms, now);
            return null;
        }, ct);
}
