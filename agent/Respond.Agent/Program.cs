using System.Runtime.InteropServices;
using Respond.Agent;

// Exit codes: 0 stopped, 2 bad arguments or no way to enrol, 3 credential or enrolment refused by the server.
if (!OperatingSystem.IsLinux())
{
    AgentLog.Warn("The Respond reference agent runs on Linux only.");
    return 2;
}
AgentOptions options;
try
{
    options = AgentOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    AgentLog.Warn(ex.Message);
    return 2;
}

using var stopping = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

try
{
    var credentials = Credentials.Load(options.CredentialsFile);
    // A token given on the command line means "enrol (again)": it replaces a stored credential of another device or server.
    if (credentials is null || (options.EnrollmentToken is not null && (credentials.DeviceId != options.DeviceId || (options.ServerUrl is not null && credentials.ServerUrl != options.ServerUrl))))
    {
        if (options.EnrollmentToken is null || options.ServerUrl is null)
        {
            AgentLog.Warn($"No credential at {options.CredentialsFile}: pass --server and --token (an enrolment token from createAgentEnrollmentToken).");
            return 2;
        }
        credentials = await Credentials.EnrollAsync(options, stopping.Token);
        credentials.Save(options.CredentialsFile);
        AgentLog.Info($"Enrolled device {credentials.DeviceId} as agent {credentials.AgentId} of organization {credentials.OrganizationId}.");
    }
    await new ServerChannel(options, credentials, new CommandHandler(options, credentials.ServerUrl)).RunAsync(stopping.Token);
    return 0;
}
catch (Exception ex) when (ex is EnrollmentRefusedException or CredentialRefusedException)
{
    AgentLog.Warn(ex.Message);
    return 3;
}
catch (HttpRequestException ex)
{
    AgentLog.Warn($"Could not reach the server to enrol: {ex.Message}");
    return 2;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 0;
}
