using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Settings;

public sealed record TurnOffRespondInput(bool Confirm, int? ExpectedVersion, string? OrganizationId = null);

public sealed class TurnOffRespondInputType : InputObjectGraphType<TurnOffRespondInput>
{
    public TurnOffRespondInputType()
    {
        Name = "TurnOffRespondInput";
        Field(i => i.Confirm).Description("Must be true: turning Respond off asks for confirmation.");
        Field(i => i.ExpectedVersion, nullable: true);
        Field<IdGraphType>("organizationId")
            .Description("The organization whose settings change; omitted: the installation-wide defaults, which only an Admin of every organization may change.");
    }
}

/// <summary>The off switch of an organization, or of every organization that follows the defaults (seed 000). Its rules stop running; nothing stored is lost.</summary>
public static class TurnOffRespond
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, TurnOffRespondInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, input.OrganizationId, "respond.turnedOff", input.ExpectedVersion, (s, now) =>
        {
            if (!input.Confirm) return new UserError(UserErrorCode.ConfirmationRequired, "Set confirm to true to turn Respond off.", "confirm");
            if (!s.Enabled) return new UserError(UserErrorCode.AlreadyOff, "Respond is already off.", "confirm");
            s.TurnOff(by.Id, now);
            return null;
        }, ct);
}
