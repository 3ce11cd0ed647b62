namespace Respond.Agent;

/// <summary>
/// Which files the agent may move: only below the allowed roots (default: the agent user's home and /tmp) and never its
/// own work directory. Paths are compared after resolving "..", and symbolic links in every directory on the way, so
/// "/tmp/../etc/passwd" or "/tmp/link-to-etc/passwd" stay outside.
/// </summary>
public sealed class PathGuard(IReadOnlyList<string> allowedRoots, string workDirectory)
{
    private readonly IReadOnlyList<string> _roots = allowedRoots.Select(Resolve).ToList();
    private readonly string _work = Resolve(workDirectory);

    /// <summary>The resolved path, or a refusal naming what was wrong. The last component itself is not followed.</summary>
    public (string? Path, string? Refusal) Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !System.IO.Path.IsPathFullyQualified(path) || path.Contains('\0'))
            return (null, $"refused: '{path}' is not an absolute path.");
        var full = System.IO.Path.GetFullPath(path);
        var parent = System.IO.Path.GetDirectoryName(full);
        var name = System.IO.Path.GetFileName(full);
        if (parent is null || name.Length == 0) return (null, $"refused: '{path}' names no file.");
        string resolved;
        try
        {
            resolved = System.IO.Path.Combine(Resolve(parent), name);
        }
        catch (IOException)
        {
            return (null, $"refused: '{path}' has a symbolic link loop.");
        }
        if (IsUnder(resolved, _work)) return (null, $"refused: '{path}' is inside the agent's own work directory.");
        if (!_roots.Any(root => IsUnder(resolved, root)))
            return (null, $"refused: '{path}' is outside the allowed roots ({string.Join(", ", _roots)}).");
        return (resolved, null);
    }

    private static bool IsUnder(string path, string root) =>
        root == "/" || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>Like realpath(3), for directories that may not exist yet (missing components are kept as written).</summary>
    public static string Resolve(string path)
    {
        var current = "/";
        var pending = new Stack<string>(System.IO.Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                current = System.IO.Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var next = System.IO.Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > 40) throw new IOException($"Too many levels of symbolic links in '{path}'.");
            // Follow the link: its target's components replace this one, relative to the link's directory.
            if (target.StartsWith('/')) current = "/";
            foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(p);
        }
        return current;
    }
}
