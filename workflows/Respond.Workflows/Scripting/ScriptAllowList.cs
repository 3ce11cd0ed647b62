using Microsoft.CodeAnalysis;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The symbols a script may touch: a type is allowed only when listed (by metadata name, e.g.
/// <c>System.Collections.Generic.List`1</c>), and then only the listed members (or all but the excepted ones).
/// Anything not listed is refused; <see cref="ScriptRefusals"/> is checked first and explains the obvious dangers
/// (files, processes, reflection, ...) so a refusal reads as a reason rather than a gap in a list.
/// <see cref="RunScript"/> is the worker's list; <see cref="Expression"/> is the in-process list for
/// <c>condition.expression</c>, where every member must be of bounded cost (no allocation sized by a number,
/// no formatting widths, no LINQ generators, no clock).
/// </summary>
public sealed class ScriptAllowList
{
    private const string All = "*";

    private readonly Dictionary<string, TypeRule> types = new(StringComparer.Ordinal);
    private readonly HashSet<string> namespaces = new(StringComparer.Ordinal);

    private ScriptAllowList()
    {
    }

    /// <summary>The allow-list for <c>RUN_SCRIPT</c> scripts (run in a worker process under limits).</summary>
    public static ScriptAllowList RunScript => LazyRunScript.Value;

    /// <summary>The allow-list for <c>condition.expression</c> (run in process, so bounded cost only).</summary>
    public static ScriptAllowList Expression => LazyExpression.Value;

    // Lazy, because the member lists below are static fields initialised after these would be.
    private static readonly Lazy<ScriptAllowList> LazyRunScript = new(BuildRunScript);
    private static readonly Lazy<ScriptAllowList> LazyExpression = new(BuildExpression);

    public static ScriptAllowList For(ScriptKind kind) => kind == ScriptKind.Expression ? Expression : RunScript;

    /// <summary>The namespaces a <c>using</c> directive may import.</summary>
    public IReadOnlyCollection<string> Namespaces => namespaces;

    /// <summary>The listed types, by metadata name.</summary>
    public IReadOnlyCollection<string> Types => types.Keys;

    public bool IsNamespaceAllowed(string name) => namespaces.Contains(name);

    public bool IsTypeListed(string typeKey) => Rule(typeKey) is not null;

    /// <summary>Null when the member may be used; otherwise why not.</summary>
    internal string? MemberRefusal(string typeKey, ISymbol member)
    {
        if (Rule(typeKey) is not { } rule)
        {
            return "its type is not on the allow-list";
        }
        var name = member.Name;
        var listed = rule.Members is null ? !rule.Except.Contains(name) : rule.Members.Contains(name);
        if (!listed)
        {
            return "this member is not on the allow-list";
        }
        return member is IMethodSymbol method ? rule.MethodFilter?.Invoke(method) : null;
    }

    private TypeRule? Rule(string typeKey)
    {
        if (types.TryGetValue(typeKey, out var rule))
        {
            return rule;
        }
        // Nested types (List`1+Enumerator, Dictionary`2+KeyCollection) follow their outer type when it says so.
        var plus = typeKey.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 && types.TryGetValue(typeKey[..plus], out var outer) && outer.WithNestedTypes ? TypeRule.Everything : null;
    }

    private sealed record TypeRule(HashSet<string>? Members, HashSet<string> Except, bool WithNestedTypes, Func<IMethodSymbol, string?>? MethodFilter)
    {
        public static readonly TypeRule Everything = new(null, [], true, null);
    }

    private ScriptAllowList Allow(string typeKey, params string[] members) => Add(typeKey, members, [], false, null);

    private ScriptAllowList AllowExcept(string typeKey, params string[] except) => Add(typeKey, [All], except, false, null);

    private ScriptAllowList Add(string typeKey, string[] members, string[] except, bool nested, Func<IMethodSymbol, string?>? filter)
    {
        types[typeKey] = new TypeRule(members is [All] ? null : [.. members], [.. except], nested, filter);
        return this;
    }

    private ScriptAllowList AllowEach(IEnumerable<string> typeKeys, string[] members, Func<IMethodSymbol, string?>? filter = null)
    {
        foreach (var key in typeKeys)
        {
            Add(key, members, [], false, filter);
        }
        return this;
    }

    private static readonly string[] Numbers =
    [
        "System.Byte", "System.SByte", "System.Int16", "System.UInt16", "System.Int32", "System.UInt32",
        "System.Int64", "System.UInt64", "System.Single", "System.Double", "System.Decimal",
    ];

    private static readonly string[] Exceptions =
    [
        "System.Exception", "System.ArgumentException", "System.ArgumentNullException", "System.ArgumentOutOfRangeException",
        "System.InvalidOperationException", "System.FormatException", "System.NotSupportedException",
        "System.IndexOutOfRangeException", "System.OverflowException", "System.DivideByZeroException",
        "System.Collections.Generic.KeyNotFoundException", "System.Text.RegularExpressions.RegexMatchTimeoutException",
    ];

    private static readonly string[] Collections =
    [
        "System.Collections.Generic.List`1", "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedSet`1", "System.Collections.Generic.SortedList`2",
        "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.LinkedList`1",
        "System.Collections.Generic.LinkedListNode`1", "System.Collections.Generic.PriorityQueue`2",
        "System.Collections.Generic.KeyValuePair`2", "System.Collections.Generic.KeyValuePair",
        "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.IEnumerator`1", "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IList`1", "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Generic.ISet`1",
        "System.Collections.Generic.IReadOnlySet`1", "System.Collections.Generic.IComparer`1", "System.Collections.Generic.IEqualityComparer`1",
        "System.Collections.Generic.Comparer`1", "System.Collections.Generic.EqualityComparer`1", "System.Collections.Generic.CollectionExtensions",
        "System.Collections.IEnumerable", "System.Collections.IEnumerator",
        "System.Linq.Enumerable", "System.Linq.IOrderedEnumerable`1", "System.Linq.IGrouping`2", "System.Linq.ILookup`2", "System.Linq.Lookup`2",
    ];

    private static readonly string[] Delegates =
    [
        "System.Action", "System.Action`1", "System.Action`2", "System.Action`3", "System.Action`4",
        "System.Func`1", "System.Func`2", "System.Func`3", "System.Func`4", "System.Func`5",
        "System.Predicate`1", "System.Comparison`1", "System.Converter`2",
    ];

    private static readonly string[] Tuples =
    [
        "System.ValueTuple", "System.ValueTuple`1", "System.ValueTuple`2", "System.ValueTuple`3", "System.ValueTuple`4",
        "System.ValueTuple`5", "System.ValueTuple`6", "System.ValueTuple`7", "System.ValueTuple`8",
    ];

    private static readonly string[] Entities =
    [
        "Respond.Workflows.Scripting.ScriptUser", "Respond.Workflows.Scripting.ScriptDevice", "Respond.Workflows.Scripting.ScriptEndpoint",
        "Respond.Workflows.Scripting.ScriptProcess", "Respond.Workflows.Scripting.ScriptFile",
    ];

    private static readonly string[] JsonReading =
    [
        "ValueKind", "GetProperty", "TryGetProperty", "GetString", "GetBoolean", "GetInt32", "GetInt64", "GetDouble", "GetDecimal",
        "TryGetInt32", "TryGetInt64", "TryGetDouble", "TryGetDecimal", "GetDateTimeOffset", "TryGetDateTimeOffset", "GetDateTime",
        "TryGetDateTime", "GetGuid", "TryGetGuid", "GetArrayLength", "GetPropertyCount", "this[]", "GetRawText", "ValueEquals",
        "ToString", "Equals", "GetHashCode",
    ];

    private static readonly string[] EventMembers =
    [
        "Id", "OrganizationId", "Source", "Type", "Severity", "Time", "User", "Device", "Src", "Dst", "Process", "File",
        "Raw", "Json", "Get", "GetNumber", "Has", "ToString", "Equals", "GetHashCode",
    ];

    private static readonly string[] RegexMatching = [".ctor", "IsMatch", "Match", "Matches", "Replace", "Split", "Count", "EnumerateMatches", "EnumerateSplits"];

    /// <summary>A Regex built or run statically without a TimeSpan argument could backtrack for ever.</summary>
    private static string? RegexNeedsTimeout(IMethodSymbol method) =>
        RegexMatching.Contains(method.Name)
        && (method.IsStatic || method.MethodKind == MethodKind.Constructor)
        && !method.Parameters.Any(p => p.Type is INamedTypeSymbol { Name: "TimeSpan", ContainingNamespace.Name: "System" })
            ? "a Regex must be given a match timeout (the overload with a TimeSpan)"
            : null;

    /// <summary>Format strings set output widths ("D999999999"), so bounded-cost code may only format without one.</summary>
    private static string? NoFormatString(IMethodSymbol method) =>
        method.Parameters.Any(p => p.Name == "format")
            ? "formatting with a format string is not allowed in an expression (widths are unbounded)"
            : null;

    private static ScriptAllowList BuildRunScript()
    {
        var list = new ScriptAllowList();
        list.namespaces.UnionWith(
        [
            "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Text.RegularExpressions",
            "System.Text.Json", "System.Globalization",
        ]);

        // The host API.
        list.Allow("Respond.Workflows.Scripting.ScriptGlobals", "Event", "Alert", "Organization", "Log", "RequestAction")
            .Allow("Respond.Workflows.Scripting.ScriptEvent", EventMembers)
            .AllowEach(Entities, ["Id", "Name", "Email", "Hostname", "Ip", "Pid", "Path", "CommandLine", "Sha256", "ToString", "Equals", "GetHashCode"])
            .Allow("Respond.Workflows.Scripting.ScriptAlert", "Id", "Title", "Severity", "ToString", "Equals", "GetHashCode", "op_Equality", "op_Inequality")
            .Allow("Respond.Workflows.Scripting.ScriptOrganization", "Id", "Name", "ToString", "Equals", "GetHashCode", "op_Equality", "op_Inequality");

        // The core: text, numbers, time, math.
        list.Allow("System.Object", ".ctor", "ToString", "Equals", "GetHashCode", "ReferenceEquals")
            .Allow("System.Void")
            .Allow("System.ValueType", "ToString", "Equals", "GetHashCode")
            .AllowExcept("System.String")
            .AllowExcept("System.Char")
            .AllowExcept("System.Boolean")
            .AllowEach(Numbers, [All])
            .AllowExcept("System.Math")
            .AllowExcept("System.MathF")
            .AllowExcept("System.Convert")
            .AllowExcept("System.DateTime")
            .AllowExcept("System.DateTimeOffset")
            .AllowExcept("System.DateOnly")
            .AllowExcept("System.TimeOnly")
            .AllowExcept("System.TimeSpan")
            .AllowExcept("System.DayOfWeek")
            .AllowExcept("System.DateTimeKind")
            .AllowExcept("System.Guid")
            .AllowExcept("System.Nullable`1")
            .AllowExcept("System.Nullable")
            .AllowExcept("System.Index")
            .AllowExcept("System.Range")
            .AllowExcept("System.Enum")
            .AllowExcept("System.Random")
            .AllowExcept("System.StringComparison")
            .AllowExcept("System.StringComparer")
            .AllowExcept("System.StringSplitOptions")
            .AllowExcept("System.MidpointRounding")
            .AllowExcept("System.Array", "CreateInstance", "CreateInstanceFromArrayType")
            .AllowExcept("System.MemoryExtensions")
            .AllowExcept("System.ReadOnlySpan`1")
            .AllowExcept("System.Span`1")
            .Allow("System.IDisposable", "Dispose")
            .Allow("System.IEquatable`1", "Equals")
            .Allow("System.IComparable", "CompareTo")
            .Allow("System.IComparable`1", "CompareTo")
            .Allow("System.IFormatProvider")
            .AllowEach(Exceptions, [".ctor", "Message", "InnerException", "ParamName", "ToString", "GetBaseException"])
            .AllowEach(Delegates, ["Invoke"])
            .AllowEach(Tuples, [All]);
        // String interpolation binds to these handlers; they only append to a buffer.
        list.AllowExcept("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler")
            .AllowExcept("System.Text.StringBuilder+AppendInterpolatedStringHandler");

        foreach (var collection in Collections)
        {
            list.Add(collection, [All], [], true, null);
        }

        list.AllowExcept("System.Text.StringBuilder")
            .Allow("System.Text.Encoding", "UTF8", "ASCII", "Unicode", "GetBytes", "GetString", "GetByteCount", "GetCharCount")
            .Add("System.Text.RegularExpressions.Regex", [All], ["InfiniteMatchTimeout", "CacheSize", "CompileToAssembly"], false, RegexNeedsTimeout)
            .AllowExcept("System.Text.RegularExpressions.RegexOptions")
            .AllowExcept("System.Text.RegularExpressions.Match")
            .AllowExcept("System.Text.RegularExpressions.Group")
            .AllowExcept("System.Text.RegularExpressions.Capture")
            .AllowExcept("System.Text.RegularExpressions.MatchCollection")
            .AllowExcept("System.Text.RegularExpressions.GroupCollection")
            .AllowExcept("System.Text.RegularExpressions.CaptureCollection")
            .AllowExcept("System.Text.RegularExpressions.ValueMatch")
            .Allow("System.Text.Json.JsonElement", [.. JsonReading, "EnumerateArray", "EnumerateObject"])
            .AllowExcept("System.Text.Json.JsonElement+ArrayEnumerator")
            .AllowExcept("System.Text.Json.JsonElement+ObjectEnumerator")
            .Allow("System.Text.Json.JsonProperty", "Name", "Value", "NameEquals", "ToString")
            .AllowExcept("System.Text.Json.JsonValueKind")
            .Allow("System.Globalization.CultureInfo", "InvariantCulture", "Name")
            .AllowExcept("System.Globalization.NumberStyles")
            .AllowExcept("System.Globalization.DateTimeStyles")
            .AllowExcept("System.Globalization.CompareOptions");
        return list;
    }

    private static ScriptAllowList BuildExpression()
    {
        var list = new ScriptAllowList();
        string[] equality = ["Equals", "GetHashCode", "CompareTo", "op_Equality", "op_Inequality", "op_LessThan", "op_GreaterThan", "op_LessThanOrEqual", "op_GreaterThanOrEqual"];
        list.Allow("Respond.Workflows.Scripting.ScriptEvent", EventMembers)
            .AllowEach(Entities, ["Id", "Name", "Email", "Hostname", "Ip", "Pid", "Path", "CommandLine", "Sha256", "ToString", "Equals", "GetHashCode"])
            .Allow("System.Text.Json.JsonElement", JsonReading)
            .AllowExcept("System.Text.Json.JsonValueKind")
            .Allow("System.Object", "ToString", "Equals", "GetHashCode", "ReferenceEquals")
            .Allow("System.Void")
            .Allow("System.ValueType", "ToString", "Equals", "GetHashCode")
            .Allow("System.String",
                "Length", "this[]", "Empty", "Contains", "StartsWith", "EndsWith", "Equals", "op_Equality", "op_Inequality", "IndexOf",
                "IndexOfAny", "LastIndexOf", "ToLowerInvariant", "ToUpperInvariant", "ToLower", "ToUpper", "Trim", "TrimStart", "TrimEnd",
                "Substring", "IsNullOrEmpty", "IsNullOrWhiteSpace", "Compare", "CompareOrdinal", "CompareTo", "Concat", "Split",
                "ToString", "GetHashCode")
            .Add("System.Char", ["IsDigit", "IsLetter", "IsLetterOrDigit", "IsWhiteSpace", "IsUpper", "IsLower", "IsAscii", "ToUpperInvariant", "ToLowerInvariant", "ToString", .. equality], [], false, NoFormatString)
            .Add("System.Boolean", ["Parse", "TryParse", "ToString", "TrueString", "FalseString", .. equality], [], false, NoFormatString)
            .AllowEach(Numbers, ["MaxValue", "MinValue", "Parse", "TryParse", "ToString", "IsNaN", "IsInfinity", "IsFinite", .. equality], NoFormatString)
            .AllowExcept("System.Math")
            .Add("System.DateTimeOffset", [All], ["Now", "UtcNow"], false, NoFormatString)
            .Add("System.DateTime", [All], ["Now", "UtcNow", "Today"], false, NoFormatString)
            .Add("System.TimeSpan", [All], [], false, NoFormatString)
            .AllowExcept("System.DayOfWeek")
            .Allow("System.Nullable`1", "HasValue", "Value", "GetValueOrDefault", "Equals", "GetHashCode", "ToString")
            .AllowExcept("System.StringComparison")
            .AllowExcept("System.StringSplitOptions")
            .Allow("System.StringComparer", "Ordinal", "OrdinalIgnoreCase", "InvariantCulture", "InvariantCultureIgnoreCase", "Equals", "Compare")
            .Allow("System.Linq.Enumerable", "Contains", "Any", "All", "Count", "FirstOrDefault", "LastOrDefault", "ElementAtOrDefault", "SequenceEqual")
            .Allow("System.MemoryExtensions", "Contains", "SequenceEqual", "StartsWith", "EndsWith", "IndexOf")
            .Allow("System.ReadOnlySpan`1", "Length", "IsEmpty", "this[]")
            .Allow("System.Span`1", "Length", "IsEmpty", "this[]")
            .Allow("System.Collections.Generic.IEnumerable`1")
            .AllowEach(Delegates, ["Invoke"])
            .AllowEach(Tuples, [All]);
        return list;
    }
}
