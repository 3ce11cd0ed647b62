using System.Net;
using System.Text.RegularExpressions;
using Respond.Server.Connectors;
using Respond.Server.GraphQL;
using Respond.Workflows;

namespace Respond.Server.Features.Actions;

/// <summary>
/// What each action type acts on, and the checks a target passes before anything is stored or sent: a connector
/// receives only well-formed ids, paths and addresses (no path separators in a user id sent to Graph, no PID 1).
/// </summary>
public static partial class ActionTargets
{
    private enum Field { DeviceId, UserId, Ip, ProcessId, FilePath, FileSha256 }

    private static (Field[] Required, Field[] Optional) Shape(ResponseActionType type) => type switch
    {
        ResponseActionType.KillProcess => ([Field.DeviceId, Field.ProcessId], []),
        ResponseActionType.IsolateDevice or ResponseActionType.UnisolateDevice or ResponseActionType.CollectForensics or ResponseActionType.RunScript
            => ([Field.DeviceId], []),
        ResponseActionType.QuarantineFile or ResponseActionType.RestoreFile => ([Field.DeviceId, Field.FilePath], [Field.FileSha256]),
        ResponseActionType.BlockIp or ResponseActionType.UnblockIp => ([Field.DeviceId, Field.Ip], []),
        ResponseActionType.ResetUserSession => ([Field.UserId], [Field.DeviceId]),
        _ => ([Field.UserId], []),
    };

    /// <summary>A one-line description of the target a type needs, for error messages and docs.</summary>
    public static string Describe(ResponseActionType type)
    {
        var (required, optional) = Shape(type);
        var text = string.Join(" and ", required.Select(Name));
        return optional.Length == 0 ? text : $"{text} (optionally {string.Join(", ", optional.Select(Name))})";
    }

    /// <summary>Checks a target for a type; errors name the field (path <c>{prefix}.{field}</c>) and what was wrong. The target comes back normalised.</summary>
    public static ActionTarget Validate(ResponseActionType type, ActionTarget target, string prefix, List<UserError> errors)
    {
        var (required, optional) = Shape(type);
        var typeName = ApiEnumName.Format(type);
        foreach (var field in Enum.GetValues<Field>())
        {
            var present = Value(target, field) is not null;
            var path = $"{prefix}.{Name(field)}";
            if (required.Contains(field) && !present)
                errors.Add(UserError.At(UserErrorCode.Validation, $"{typeName} needs target.{Name(field)}; it acts on {Describe(type)}.", path));
            else if (present && !required.Contains(field) && !optional.Contains(field))
                errors.Add(UserError.At(UserErrorCode.Validation, $"{typeName} takes no target.{Name(field)}; it acts on {Describe(type)}.", path));
        }

        if (target.DeviceId is { } device && !DeviceIdPattern().IsMatch(device))
            errors.Add(UserError.At(UserErrorCode.Validation, "target.deviceId must be 1-128 letters, digits or . _ : @ - (no spaces or slashes).", $"{prefix}.deviceId"));
        if (target.UserId is { } user && !UserIdPattern().IsMatch(user))
            errors.Add(UserError.At(UserErrorCode.Validation, "target.userId must be an object id, a user principal name or an account name: 1-256 characters without spaces, slashes, ?, # or %.", $"{prefix}.userId"));
        if (target.ProcessId is { } pid && pid <= 1)
            errors.Add(UserError.At(UserErrorCode.Validation, pid == 1 ? "target.processId 1 is the init process; Respond never kills it." : "target.processId must be a positive process id.", $"{prefix}.processId"));
        var ip = target.Ip;
        if (ip is not null)
        {
            if (NormaliseIp(ip, out var error) is { } normal) ip = normal;
            else errors.Add(UserError.At(UserErrorCode.Validation, error!, $"{prefix}.ip"));
        }
        if (target.FilePath is { } file && FilePathError(file) is { } fileError)
            errors.Add(UserError.At(UserErrorCode.Validation, fileError, $"{prefix}.filePath"));
        if (target.FileSha256 is { } sha && !Sha256Pattern().IsMatch(sha))
            errors.Add(UserError.At(UserErrorCode.Validation, "target.fileSha256 must be 64 hexadecimal characters.", $"{prefix}.fileSha256"));
        return target with { Ip = ip, FileSha256 = target.FileSha256?.ToLowerInvariant() };
    }

    /// <summary>An address or CIDR in canonical form; broad ranges that would cut off a whole network are refused.</summary>
    private static string? NormaliseIp(string text, out string? error)
    {
        error = null;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains(' ') || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"target.ip '{Shorten(text)}' is not an IPv4 or IPv6 address or CIDR.";
            return null;
        }
        var maxPrefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > maxPrefix))
        {
            error = $"target.ip '{Shorten(text)}' has a prefix length outside 0-{maxPrefix}.";
            return null;
        }
        var minPrefix = maxPrefix == 32 ? 8 : 16;
        if (prefix < minPrefix)
        {
            error = $"target.ip '{Shorten(text)}' covers too many addresses; the broadest range Respond blocks is /{minPrefix}.";
            return null;
        }
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address))
        {
            error = $"target.ip '{Shorten(text)}' is the unspecified or loopback address; blocking it would cut the device off from itself.";
            return null;
        }
        var network = new IPNetwork(address, prefix);
        return prefix == maxPrefix ? address.ToString() : $"{network.BaseAddress}/{prefix}";
    }

    private static string? FilePathError(string path)
    {
        if (path.Length > 1024) return "target.filePath is longer than 1024 characters.";
        if (path.Any(char.IsControl)) return "target.filePath contains control characters.";
        var absolute = path.StartsWith('/') || WindowsRootPattern().IsMatch(path);
        if (!absolute) return $"target.filePath '{Shorten(path)}' must be absolute (/... or C:\\...).";
        if (path.Split('/', '\\').Any(segment => segment == "..")) return "target.filePath must not contain '..' segments.";
        return null;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static object? Value(ActionTarget target, Field field) => field switch
    {
        Field.DeviceId => target.DeviceId,
        Field.UserId => target.UserId,
        Field.Ip => target.Ip,
        Field.ProcessId => target.ProcessId,
        Field.FilePath => target.FilePath,
        _ => target.FileSha256,
    };

    private static string Name(Field field) => field switch
    {
        Field.DeviceId => "deviceId",
        Field.UserId => "userId",
        Field.Ip => "ip",
        Field.ProcessId => "processId",
        Field.FilePath => "filePath",
        _ => "fileSha256",
    };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@\-]{0,127}$")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex(@"^[^\s/\\?#%\p{Cc}]{1,256}$")]
    private static partial Regex UserIdPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^[A-Za-z]:[\\/]")]
    private static partial Regex WindowsRootPattern();
}
