namespace Respond.Server.Connectors;

/// <summary>The <c>Respond:Connectors</c> configuration section.</summary>
public sealed class ConnectorsOptions
{
    public const string Section = "Respond:Connectors";

    /// <summary>
    /// Lets organizations use the SIMULATED connector outside demo mode and the Development environment (e.g. a
    /// staging installation). It acts on nothing and reports every action done, so production leaves it off.
    /// </summary>
    public bool AllowSimulated { get; set; }
}

/// <summary>
/// Whether the SIMULATED connector may be used here: in demo mode, in the Development environment, or when
/// <see cref="ConnectorsOptions.AllowSimulated"/> says so. Elsewhere connecting to it is refused and a simulated connection
/// left in the database (e.g. by an earlier demo) checks BROKEN and runs nothing, so nothing is reported done that was not.
/// </summary>
public sealed class SimulatedConnectorPolicy(Microsoft.Extensions.Options.IOptions<ConnectorsOptions> options, IHostEnvironment environment, IConfiguration configuration)
{
    public const string Refusal = "The SIMULATED connector acts on nothing and is available only in demo mode, the Development environment or with "
        + ConnectorsOptions.Section + ":AllowSimulated=true.";

    public bool Allowed { get; } = options.Value.AllowSimulated || environment.IsDevelopment() || configuration.GetValue<bool>("Respond:Demo:Enabled");
}
