using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Respond.Agent.Actions;

/// <summary>
/// COLLECT_FORENSICS on Linux: a .tar.gz in the agent's work directory with the system's identity (uname, os-release,
/// uptime), the process list and network sockets, and for each listed process (target.processId, parameters.processIds)
/// its status, command line, executable and open files. Reports the archive's path and SHA-256; never uploads it.
/// </summary>
public sealed class ForensicsCollector(string forensicsDirectory)
{
    private const int MaxProcesses = 64;

    public async Task<Answer> CollectAsync(Command command, CancellationToken ct)
    {
        var pids = new List<int>();
        if (command.Target.ProcessId is { } pid) pids.Add(pid);
        if (command.Parameters?["processIds"] is JsonArray listed)
            pids.AddRange(listed.Select(n => n is JsonValue v && v.TryGetValue<int>(out var p) ? p : 0));
        pids = pids.Where(p => p > 0).Distinct().Take(MaxProcesses).ToList();

        Directory.CreateDirectory(forensicsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var archive = Path.Combine(forensicsDirectory, $"forensics-{DateTimeOffset.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}.tar.gz");
        var entries = 0;
        await using (var file = new FileStream(archive, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            async Task AddAsync(string name, string? content)
            {
                if (content is null) return;
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
                await tar.WriteEntryAsync(entry, ct);
                entries++;
            }

            await AddAsync("system/uname.txt", string.Join(' ',
                new[] { "ostype", "hostname", "osrelease", "version" }.Select(k => Read($"/proc/sys/kernel/{k}")?.Trim())) + "\n");
            await AddAsync("system/os-release", Read("/etc/os-release"));
            await AddAsync("system/uptime", Read("/proc/uptime"));
            await AddAsync("system/processes.txt", ProcessList());
            await AddAsync("network/tcp", Read("/proc/net/tcp"));
            await AddAsync("network/tcp6", Read("/proc/net/tcp6"));
            await AddAsync("network/udp", Read("/proc/net/udp"));
            foreach (var p in pids)
            {
                var dir = $"/proc/{p.ToString(CultureInfo.InvariantCulture)}";
                await AddAsync($"processes/{p}/status", Read($"{dir}/status"));
                await AddAsync($"processes/{p}/cmdline", Read($"{dir}/cmdline")?.Replace('\0', ' ').TrimEnd() + "\n");
                await AddAsync($"processes/{p}/exe", Link($"{dir}/exe") + "\n");
                await AddAsync($"processes/{p}/fds", OpenFiles(dir));
            }
        }
        string sha256;
        await using (var read = File.OpenRead(archive)) sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct));
        var size = new FileInfo(archive).Length;
        return Answer.Done($"Collected {entries} files ({size} bytes) into {archive}.", new JsonObject
        {
            ["archivePath"] = archive,
            ["sha256"] = sha256,
            ["sizeBytes"] = size,
            ["entries"] = entries,
            ["processIds"] = new JsonArray(pids.Select(p => (JsonNode)p).ToArray()),
        });
    }

    public async Task<Answer> VerifyAsync(Command command, CancellationToken ct)
    {
        if (command.Fact("archivePath") is not { } archive || command.Fact("sha256") is not { } expected)
            return Answer.Unverifiable("cannot verify: the facts name no archive.");
        // Only files this collector wrote: the facts come back from the server and are not trusted to name any path.
        if (!Path.GetFullPath(archive).StartsWith(forensicsDirectory + "/", StringComparison.Ordinal) || !File.Exists(archive))
            return Answer.Failed($"the archive {archive} is not there.");
        await using var read = File.OpenRead(archive);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct)) == expected
            ? Answer.Done($"The archive {archive} is intact.")
            : Answer.Failed($"The archive {archive} changed since it was collected.");
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ProcessList()
    {
        var text = new StringBuilder("PID\tSTATE\tSTART\tNAME\n");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcStat.Read(pid) is { } stat)
                text.Append(CultureInfo.InvariantCulture, $"{stat.Pid}\t{stat.State}\t{stat.StartTime}\t{stat.Name}\n");
        return text.ToString();
    }

    private static string? OpenFiles(string processDirectory)
    {
        try
        {
            return string.Join("\n", Directory.EnumerateFileSystemEntries(processDirectory + "/fd").Select(fd => $"{Path.GetFileName(fd)} -> {Link(fd)}")) + "\n";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
