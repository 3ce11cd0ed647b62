using System.Diagnostics;

namespace Respond.Agent;

/// <summary>
/// Runs a system tool (nft, loginctl, stat) directly, never through a shell: each argument is its own argv entry,
/// so nothing in a command from the server can become shell syntax.
/// </summary>
public static class ExternalProgram
{
    public sealed record Run(int ExitCode, string Output, string Error);

    /// <summary>The first of <paramref name="candidates"/> that exists (absolute paths only: PATH is not trusted).</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);

    public static async Task<Run> RunAsync(string program, IEnumerable<string> arguments, string? input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
                process.StandardInput.Close();
            }
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return new Run(process.ExitCode, (await output).Trim(), (await error).Trim());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
