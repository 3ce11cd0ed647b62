using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Agent.Actions;

/// <summary>
/// QUARANTINE_FILE moves a file into the agent's private quarantine directory (0700) and clears every execute,
/// set-id and sticky bit; a manifest beside it records the original path, mode and SHA-256. RESTORE_FILE moves it back
/// with its original mode. Only regular files below the allowed roots are touched (<see cref="PathGuard"/>).
/// </summary>
public sealed class FileQuarantine(PathGuard guard, string quarantineDirectory)
{
    private const UnixFileMode NotExecutable = ~(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
        | UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit);
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public sealed record Manifest(string Id, string OriginalPath, string OriginalMode, string Sha256, long Size, string QuarantinedPath, DateTimeOffset QuarantinedAt, string ActionId);

    public async Task<Answer> QuarantineAsync(Command command, CancellationToken ct)
    {
        var (path, refusal) = guard.Check(command.Target.FilePath);
        if (path is null) return Answer.Failed(refusal!);
        if (await RegularFileRefusalAsync(path, ct) is { } notRegular) return Answer.Failed(notRegular);
        var sha256 = await Sha256Async(path, ct);
        if (command.Target.FileSha256 is { Length: > 0 } expected && !expected.Equals(sha256, StringComparison.OrdinalIgnoreCase))
            return Answer.Failed($"refused: the SHA-256 of {path} is {sha256}, not the expected {expected.ToLowerInvariant()}; the file changed or is another one.");

        var mode = File.GetUnixFileMode(path);
        var id = "q-" + Guid.NewGuid().ToString("N");
        var quarantined = Path.Combine(EnsureDirectory(), id);
        try
        {
            File.Move(path, quarantined);
        }
        catch (UnauthorizedAccessException)
        {
            return Answer.Failed($"permission denied: the agent may not move {path}.");
        }
        File.SetUnixFileMode(quarantined, mode & NotExecutable);
        var manifest = new Manifest(id, path, Octal(mode), sha256, new FileInfo(quarantined).Length, quarantined, DateTimeOffset.UtcNow, command.ActionId);
        await File.WriteAllTextAsync(quarantined + ".json", JsonSerializer.Serialize(manifest, Protocol.Json), ct);
        return Answer.Done($"Quarantined {path} (sha256 {sha256}) as {quarantined}.", Facts(manifest));
    }

    public Task<Answer> VerifyQuarantinedAsync(Command command, CancellationToken ct)
    {
        var manifest = FromFacts(command) ?? Latest(command.Target.FilePath);
        if (manifest is null) return Task.FromResult(Answer.Failed($"no quarantined copy of {command.Target.FilePath} is known."));
        if (File.Exists(manifest.OriginalPath)) return Task.FromResult(Answer.Failed($"{manifest.OriginalPath} exists again."));
        if (!File.Exists(manifest.QuarantinedPath)) return Task.FromResult(Answer.Failed($"the quarantined copy {manifest.QuarantinedPath} is missing."));
        var mode = File.GetUnixFileMode(manifest.QuarantinedPath);
        return Task.FromResult((mode & AnyExecute) != 0
            ? Answer.Failed($"the quarantined copy {manifest.QuarantinedPath} is executable (mode {Octal(mode)}).")
            : Answer.Done($"{manifest.OriginalPath} is gone; the quarantined copy is not executable (mode {Octal(mode)})."));
    }

    public async Task<Answer> RestoreAsync(Command command, CancellationToken ct)
    {
        var (path, refusal) = guard.Check(command.Target.FilePath);
        if (path is null) return Answer.Failed(refusal!);
        var manifest = ById(command.Parameter("quarantineId")) ?? ById(command.Fact("quarantineId")) ?? Latest(path);
        if (manifest is null || manifest.OriginalPath != path) return Answer.Failed($"nothing to restore: no quarantined copy of {path}.");
        if (File.Exists(path) || Directory.Exists(path)) return Answer.Failed($"refused: {path} exists; the agent does not overwrite it.");
        if (!Directory.Exists(Path.GetDirectoryName(path))) return Answer.Failed($"cannot restore: the directory of {path} no longer exists.");
        if (await Sha256Async(manifest.QuarantinedPath, ct) != manifest.Sha256)
            return Answer.Failed($"refused: the quarantined copy {manifest.QuarantinedPath} changed since it was quarantined.");
        try
        {
            File.Move(manifest.QuarantinedPath, path);
        }
        catch (UnauthorizedAccessException)
        {
            return Answer.Failed($"permission denied: the agent may not write {path}.");
        }
        var mode = (UnixFileMode)Convert.ToInt32(manifest.OriginalMode, 8);
        File.SetUnixFileMode(path, mode);
        File.Delete(manifest.QuarantinedPath + ".json");
        var facts = Facts(manifest);
        facts["restoredPath"] = path;
        return Answer.Done($"Restored {path} with mode {manifest.OriginalMode}.", facts);
    }

    public async Task<Answer> VerifyRestoredAsync(Command command, CancellationToken ct)
    {
        var path = command.Fact("restoredPath") ?? command.Target.FilePath;
        if (path is null || !File.Exists(path)) return Answer.Failed($"{path} is not there.");
        var expected = command.Fact("sha256");
        if (expected is null) return Answer.Done($"{path} is back.");
        return await Sha256Async(path, ct) == expected
            ? Answer.Done($"{path} is back with its original content.")
            : Answer.Failed($"{path} is there but its content differs from the quarantined file.");
    }

    private string EnsureDirectory()
    {
        Directory.CreateDirectory(quarantineDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return quarantineDirectory;
    }

    /// <summary>Hashing a FIFO or a device would block or never end: only regular files (not links) are quarantined.</summary>
    private static async Task<string?> RegularFileRefusalAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path) && !Directory.Exists(path) && new FileInfo(path).LinkTarget is null) return $"no such file: {path}.";
        var stat = ExternalProgram.Find("/usr/bin/stat", "/bin/stat");
        if (stat is null) return "not supported: stat(1) is missing, so the file type cannot be checked.";
        var run = await ExternalProgram.RunAsync(stat, ["--format=%F", "--", path], null, ct);
        if (run.ExitCode != 0) return $"cannot read {path}: {run.Error}";
        return run.Output is "regular file" or "regular empty file" ? null : $"refused: {path} is a {run.Output}, not a regular file.";
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private Manifest? FromFacts(Command command) =>
        command.Fact("quarantinedPath") is { } q && command.Fact("originalPath") is { } o
            ? new Manifest(command.Fact("quarantineId") ?? "", o, command.Fact("originalMode") ?? "", command.Fact("sha256") ?? "", 0, q, default, command.ActionId)
            : null;

    private Manifest? ById(string? id) =>
        id is not null && id.StartsWith("q-", StringComparison.Ordinal) && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? Read(Path.Combine(quarantineDirectory, id + ".json"))
            : null;

    private Manifest? Latest(string? originalPath) =>
        originalPath is null || !Directory.Exists(quarantineDirectory) ? null
            : Directory.EnumerateFiles(quarantineDirectory, "q-*.json").Select(Read)
                .Where(m => m is not null && m.OriginalPath == originalPath).MaxBy(m => m!.QuarantinedAt);

    private static Manifest? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(file), Protocol.Json);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static JsonObject Facts(Manifest m) => new()
    {
        ["quarantineId"] = m.Id,
        ["originalPath"] = m.OriginalPath,
        ["originalMode"] = m.OriginalMode,
        ["sha256"] = m.Sha256,
        ["size"] = m.Size,
        ["quarantinedPath"] = m.QuarantinedPath,
    };

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
