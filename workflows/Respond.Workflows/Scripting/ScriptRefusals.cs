namespace Respond.Workflows.Scripting;

/// <summary>
/// What scripts may never touch, with the reason shown to the author. Checked before <see cref="ScriptAllowList"/>:
/// a member or type named here is refused even if a later edit of the allow-list listed it. A namespace refusal
/// yields only to a type listed by exact name (the interpolated-string handlers in
/// <c>System.Runtime.CompilerServices</c>).
/// </summary>
public static class ScriptRefusals
{
    private static readonly (string Namespace, string Reason)[] Namespaces =
    [
        ("System.IO", "file system access"),
        ("System.Net", "network access"),
        ("System.Diagnostics", "processes and diagnostics"),
        ("System.Reflection", "reflection"),
        ("System.Runtime.Loader", "assembly loading"),
        ("System.Runtime.InteropServices", "native interop (P/Invoke, Marshal)"),
        ("System.Runtime.CompilerServices", "compiler and runtime services"),
        ("System.Runtime.Intrinsics", "hardware intrinsics"),
        ("System.Runtime.Serialization", "serialization"),
        ("System.Threading", "threads, tasks and timers"),
        ("System.Timers", "threads, tasks and timers"),
        ("System.Linq.Expressions", "expression trees (compilation to code)"),
        ("System.Security", "security APIs"),
        ("System.Resources", "resources"),
        ("Microsoft.Win32", "the registry and native handles"),
        ("Microsoft.CodeAnalysis", "the compiler"),
        ("Respond", "host internals (scripts see only the host API)"),
    ];

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["System.Environment"] = "environment variables and secrets",
        ["System.AppContext"] = "process-wide settings",
        ["System.AppDomain"] = "application domains and assembly loading",
        ["System.GC"] = "garbage collector control",
        ["System.Activator"] = "dynamic instantiation (reflection)",
        ["System.Type"] = "reflection",
        ["System.Console"] = "console I/O (use Log)",
        ["System.Delegate"] = "reflection over delegates (DynamicInvoke, Method)",
        ["System.MulticastDelegate"] = "reflection over delegates (DynamicInvoke, Method)",
        ["System.TypedReference"] = "unsafe references",
        ["System.ArgIterator"] = "unsafe references",
        ["System.RuntimeArgumentHandle"] = "unsafe references",
        ["System.RuntimeTypeHandle"] = "reflection",
        ["System.RuntimeMethodHandle"] = "reflection",
        ["System.RuntimeFieldHandle"] = "reflection",
        ["System.ModuleHandle"] = "reflection",
        ["System.IntPtr"] = "native pointers",
        ["System.UIntPtr"] = "native pointers",
        ["System.Buffer"] = "raw memory copies",
        ["System.Lazy`1"] = "deferred code with thread-safety modes",
        ["System.WeakReference"] = "garbage collector internals",
        ["System.WeakReference`1"] = "garbage collector internals",
    };

    private static readonly Dictionary<string, string> Members = new(StringComparer.Ordinal)
    {
        ["System.Object.GetType"] = "reflection",
        ["System.Object.MemberwiseClone"] = "reflection",
        ["System.Exception.TargetSite"] = "reflection",
        ["System.Exception.GetObjectData"] = "serialization",
        ["System.Array.CreateInstance"] = "reflection",
        ["System.Array.CreateInstanceFromArrayType"] = "reflection",
        ["System.Text.RegularExpressions.Regex.InfiniteMatchTimeout"] = "a Regex needs a finite match timeout",
        ["System.Text.RegularExpressions.Regex.CacheSize"] = "a process-wide setting",
        ["System.Text.RegularExpressions.Regex.CompileToAssembly"] = "code generation",
    };

    /// <summary>Why the namespace is refused, or null.</summary>
    public static string? ForNamespace(string name)
    {
        foreach (var (ns, reason) in Namespaces)
        {
            if (name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal))
            {
                return reason;
            }
        }
        return null;
    }

    /// <summary>Why the type (metadata name, nested with '+') is refused, or null.</summary>
    public static string? ForType(string typeKey, string containingNamespace, ScriptAllowList allowList)
    {
        if (Types.TryGetValue(typeKey, out var reason))
        {
            return reason;
        }
        return allowList.IsTypeListed(typeKey) ? null : ForNamespace(containingNamespace);
    }

    /// <summary>Why the member (<c>TypeKey.MemberName</c>) is refused, or null.</summary>
    public static string? ForMember(string typeKey, string memberName) =>
        Members.GetValueOrDefault(typeKey + "." + memberName);
}
