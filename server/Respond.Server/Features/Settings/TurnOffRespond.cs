using GraphQL.Types;
using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Settings;

public sealed record TurnOffRespondInput(bool Confirm, int? ExpectedVersion);

public sealed class TurnOffRespondInputType : InputObjectGraphType<TurnOffRespondInput>
{
    public TurnOffRespondInputType()
    {
        Name = "TurnOffRespondInput";
        Field(i => i.Confirm).Description("Must be true: the global turn-off asks for confirmation.");
        Field(i => i.ExpectedVersion, nullable: true);
    }
}

/// <summary>The global off switch (seed 000). Rules stop running; nothing stored is lost.</summary>
public static class TurnOffRespond
{
    public static Task<RespondSettingsPayload> ExecuteAsync(SettingsChange settings, TurnOffRespondInput input, RespondPrincipal by, CancellationToken ct) =>
        settings.ApplyAsync(by, "respond.turnedOff", input.ExpectedVersion, (s, now) =>
        {
            if (!input.Confirm) return new UserError("CONFIRMATION_REQUIRED", "Set confirm to true to turn Respond off.", "confirm");
            if (!s.Enabled) return new UserError("ALREADY_OFF", "Respond is already off.", "confirm");
            s.TurnOff(by.Id, now);
            return null;
        }, ct);
}
