using System.Text;

namespace Respond.Workflows.Scripting;

/// <summary>
/// Reads '\n'-terminated UTF-8 lines from a worker's stdout, never buffering more than <c>maxLineBytes</c>: a worker
/// that floods its output is reported (and killed by the caller) before it can take the server's memory.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;

    /// <summary>The next line, or null at end of stream; <c>TooLong</c> when the line passed the bound.</summary>
    public async Task<(string? Line, bool TooLong)> ReadLineAsync()
    {
        using var line = new MemoryStream();
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                line.Write(buffer, start, newline - start);
                start = newline + 1;
                return (Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length), false);
            }
            line.Write(buffer, start, end - start);
            start = end = 0;
            if (line.Length > maxLineBytes)
            {
                return (null, true);
            }
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            if (read == 0)
            {
                return (null, false);
            }
            end = read;
        }
    }
}
