using System.Diagnostics;
using System.Globalization;

namespace Respond.Workflows.Scripting;

/// <summary>
/// What the operating system adds around each script worker, detected once per pool from what this kernel and this
/// server's user allow (Linux; elsewhere nothing holds and <see cref="Gaps"/> says so):
/// <list type="bullet">
/// <item><b>a dedicated unprivileged user</b> (<c>setpriv</c> to <see cref="ScriptWorkerPoolOptions.WorkerUser"/>, no
/// supplementary groups, no capabilities, <c>no_new_privs</c>) when the server runs as root;</item>
/// <item><b>no network</b>: a new, empty network namespace (<c>unshare --net</c>; only a loopback that is down);</item>
/// <item><b>a read-only file system view</b>: a private mount namespace where every mount is remounted read-only except
/// the worker's own temporary directory;</item>
/// <item><b>resource limits</b> (<c>prlimit</c>): address space, CPU time, processes, file size, no core files;</item>
/// <item><b>a system-call filter</b> (seccomp) the worker installs on all its threads before it answers <c>ready</c>:
/// no sockets, no <c>execve</c>, no new processes, no <c>ptrace</c>, <c>mount</c>, <c>unshare</c>, <c>setns</c>, <c>bpf</c>,
/// kernel modules or keyrings (x86-64 only).</item>
/// </list>
/// A layer that is unavailable is left out and named in <see cref="Gaps"/>; the server logs the result at the pool's start.
/// </summary>
public sealed record ScriptWorkerConfinement
{
    /// <summary>Environment variable that asks the worker to install its system-call filter.</summary>
    internal const string SeccompVariable = "RESPOND_WORKER_SECCOMP";

    // Runs inside the new mount and network namespaces, as root of them, before dropping to the worker's user:
    // the temporary directory becomes its own writable mount, every other mount is remounted read-only.
    private const string MountScript = """
        set -e
        dir="$1"; owner="$2"; shift 2
        mount --bind "$dir" "$dir"
        if [ -n "$owner" ]; then chown "$owner" "$dir"; fi
        cut -d ' ' -f 5 /proc/self/mountinfo | while read -r point; do
          if [ "$point" != "$dir" ]; then mount -o remount,bind,ro "$point" 2>/dev/null || true; fi
        done
        cd "$dir"
        exec "$@"
        """;

    /// <summary>The workers run as <see cref="User"/> (uid <see cref="UserId"/>), not as the server's user.</summary>
    public bool SeparateUser { get; init; }

    public string? User { get; init; }

    public int? UserId { get; init; }

    public int? GroupId { get; init; }

    /// <summary>The workers have a network namespace of their own with no interfaces up: no connection leaves them.</summary>
    public bool NoNetwork { get; init; }

    /// <summary>The workers see every file system read-only except their own temporary directory.</summary>
    public bool ReadOnlyFileSystem { get; init; }

    /// <summary>Address space, CPU time, processes, file size and core limits are set with <c>prlimit</c>.</summary>
    public bool ResourceLimits { get; init; }

    /// <summary>The workers are asked to install their system-call filter (what they did is reported per worker).</summary>
    public bool Seccomp { get; init; }

    /// <summary>Namespaces come from an unprivileged user namespace (the server is not root).</summary>
    public bool UserNamespace { get; init; }

    /// <summary>Each layer that does not hold here, and why.</summary>
    public IReadOnlyList<string> Gaps { get; init; } = [];

    internal string? UnsharePath { get; init; }

    internal string? SetprivPath { get; init; }

    internal string? PrlimitPath { get; init; }

    /// <summary>Nothing at all: <see cref="ScriptWorkerPoolOptions.Confine"/> is off or the platform has none of it.</summary>
    public static ScriptWorkerConfinement None(string reason) => new() { Gaps = [reason] };

    /// <summary>One line for the log and the health view.</summary>
    public string Describe()
    {
        var holds = new List<string>();
        if (SeparateUser) holds.Add($"user {User} ({UserId})");
        if (NoNetwork) holds.Add("no network");
        if (ReadOnlyFileSystem) holds.Add("read-only file system");
        if (ResourceLimits) holds.Add("prlimit");
        if (Seccomp) holds.Add("seccomp");
        var text = holds.Count == 0 ? "none" : string.Join(", ", holds);
        return Gaps.Count == 0 ? text : $"{text}; missing: {string.Join("; ", Gaps)}";
    }

    /// <summary>Finds out what holds for workers started with <paramref name="options"/> by this process.</summary>
    public static ScriptWorkerConfinement Detect(ScriptWorkerPoolOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            return None("not Linux: only the worker's own limits (heap, time, output) hold");
        }
        var gaps = new List<string>();
        var prlimit = FindTool("prlimit");
        if (prlimit is null) gaps.Add("prlimit not found (util-linux): no address-space, CPU, process or file-size limit");
        if (!options.Confine)
        {
            gaps.Add("Respond:Scripts:Confine is off: no separate user, namespaces or seccomp");
            return new ScriptWorkerConfinement { ResourceLimits = prlimit is not null, PrlimitPath = prlimit, Gaps = gaps };
        }

        var root = Environment.IsPrivilegedProcess;
        var unshare = FindTool("unshare");
        var namespaces = unshare is not null && File.Exists("/bin/sh") && Probe(unshare, root);
        if (!namespaces)
        {
            gaps.Add(unshare is null
                ? "unshare not found (util-linux): the workers share the server's network and file system view"
                : root
                    ? "this kernel or container refuses new mount and network namespaces: the workers share the server's network and file system view"
                    : "unprivileged user namespaces are not allowed here: the workers share the server's network and file system view");
        }

        var setpriv = FindTool("setpriv");
        var (uid, gid) = (LookUp("/etc/passwd", options.WorkerUser), LookUp("/etc/group", options.WorkerGroup));
        string? userGap = null;
        if (!root) userGap = "the server does not run as root, so the workers run as its user";
        else if (setpriv is null) userGap = "setpriv not found (util-linux): the workers run as root";
        else if (uid is null || gid is null) userGap = $"user '{options.WorkerUser}' or group '{options.WorkerGroup}' does not exist: the workers run as root";
        else if (!ReadableByOthers(options.WorkerPath) || !ReadableByOthers(options.DotnetPath))
            userGap = $"the worker or dotnet is not readable by other users (a parent directory without o+rx): the workers run as root";
        if (userGap is not null) gaps.Add(userGap);

        var seccomp = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;
        if (!seccomp) gaps.Add("the system-call filter is built for x86-64 only");

        return new ScriptWorkerConfinement
        {
            SeparateUser = userGap is null,
            User = userGap is null ? options.WorkerUser : null,
            UserId = userGap is null ? uid : null,
            GroupId = userGap is null ? gid : null,
            NoNetwork = namespaces,
            ReadOnlyFileSystem = namespaces,
            UserNamespace = namespaces && !root,
            ResourceLimits = prlimit is not null,
            Seccomp = seccomp,
            UnsharePath = namespaces ? unshare : null,
            SetprivPath = setpriv,
            PrlimitPath = prlimit,
            Gaps = gaps,
        };
    }

    /// <summary>Wraps <paramref name="start"/> (which runs <c>dotnet</c> with the worker) in the layers that hold.</summary>
    internal void Apply(ProcessStartInfo start, ScriptWorkerPoolOptions options, string directory)
    {
        var command = new List<string> { start.FileName };
        command.AddRange(start.ArgumentList);
        var wrapped = new List<string>();
        if (UnsharePath is not null)
        {
            wrapped.Add(UnsharePath);
            if (UserNamespace) wrapped.AddRange(["--user", "--map-root-user"]);
            wrapped.AddRange(["--net", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", MountScript, "respond-confine", directory,
                SeparateUser ? $"{UserId}:{GroupId}" : ""]);
        }
        if (SetprivPath is not null && (SeparateUser || UnsharePath is not null))
        {
            wrapped.Add(SetprivPath);
            if (SeparateUser)
            {
                wrapped.AddRange([$"--reuid={UserId}", $"--regid={GroupId}", "--clear-groups"]);
            }
            wrapped.AddRange(["--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]);
        }
        if (PrlimitPath is not null)
        {
            wrapped.Add(PrlimitPath);
            if (options.AddressSpaceLimitBytes > 0) wrapped.Add("--as=" + options.AddressSpaceLimitBytes.ToString(CultureInfo.InvariantCulture));
            if (options.CpuTimeLimit > TimeSpan.Zero) wrapped.Add("--cpu=" + ((long)Math.Ceiling(options.CpuTimeLimit.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            if (options.ProcessLimit > 0) wrapped.Add("--nproc=" + options.ProcessLimit.ToString(CultureInfo.InvariantCulture));
            if (options.FileSizeLimitBytes > 0) wrapped.Add("--fsize=" + options.FileSizeLimitBytes.ToString(CultureInfo.InvariantCulture));
            wrapped.AddRange(["--core=0", "--"]);
        }
        if (wrapped.Count == 0)
        {
            return;
        }
        start.FileName = wrapped[0];
        start.ArgumentList.Clear();
        foreach (var argument in wrapped.Skip(1).Concat(command))
        {
            start.ArgumentList.Add(argument);
        }
        if (Seccomp)
        {
            start.Environment[SeccompVariable] = "1";
        }
    }

    private static string? FindTool(string name) =>
        new[] { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/" }.Select(d => d + name).FirstOrDefault(File.Exists);

    /// <summary>Whether new mount and network namespaces can be made here (a container may refuse them).</summary>
    private static bool Probe(string unshare, bool root)
    {
        var start = new ProcessStartInfo(unshare) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (!root) start.ArgumentList.Add("--user");
        if (!root) start.ArgumentList.Add("--map-root-user");
        foreach (var argument in new[] { "--net", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", "mount -o remount,bind,ro / && exit 0" })
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start);
            if (process is null) return false;
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The numeric id of <paramref name="name"/> in an <c>/etc/passwd</c>-style file, or null.</summary>
    private static int? LookUp(string file, string name)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[0] == name && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        return null;
    }

    /// <summary>Whether another user can reach and read <paramref name="path"/> (o+x on each parent, o+r on the file).</summary>
    private static bool ReadableByOthers(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return false;
        var full = Path.GetFullPath(path);
        if (!File.GetUnixFileMode(full).HasFlag(UnixFileMode.OtherRead)) return false;
        for (var dir = Path.GetDirectoryName(full); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute)) return false;
        }
        return true;
    }
}
