using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Respond.Workflows.Scripting;

/// <summary>
/// The curated compile environment shared by the checker, the expression compiler and the worker, so what was
/// checked is exactly what runs: a handful of framework assemblies, the host API, default imports, and no way to
/// resolve <c>#r</c> or <c>#load</c> (the checker also refuses them). Assemblies that are not referenced (processes,
/// sockets, HTTP, ...) do not even bind; what is referenced but dangerous (files, environment, reflection all live in
/// <c>System.Private.CoreLib</c>) is refused by the allow-list walk.
/// </summary>
public static class ScriptReferences
{
    /// <summary>Namespaces imported into every script.</summary>
    public static readonly ImmutableArray<string> Imports =
    [
        "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Text.RegularExpressions", "System.Text.Json",
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(Load);
    private static readonly Lazy<ScriptOptions> LazyOptions = new(() => ScriptOptions.Default
        .WithReferences(References)
        .WithImports(Imports)
        .WithMetadataResolver(NoMetadata.Instance)
        .WithSourceResolver(NoSources.Instance)
        .WithAllowUnsafe(false)
        .WithCheckOverflow(false)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithEmitDebugInformation(false)
        .WithLanguageVersion(LanguageVersion.Latest));

    /// <summary>The metadata references every script and expression compiles against (created once per process).</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>The Roslyn scripting options for <c>RUN_SCRIPT</c>.</summary>
    public static ScriptOptions ScriptOptions => LazyOptions.Value;

    /// <summary>A <c>RUN_SCRIPT</c> script over <see cref="ScriptGlobals"/>, not yet compiled.</summary>
    public static Script<object> CreateScript(string source) =>
        CSharpScript.Create<object>(source, ScriptOptions, typeof(ScriptGlobals));

    internal static CSharpParseOptions ExpressionParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular);

    internal static CSharpCompilationOptions ExpressionCompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        allowUnsafe: false,
        checkOverflow: false,
        nullableContextOptions: NullableContextOptions.Disable,
        metadataReferenceResolver: NoMetadata.Instance,
        sourceReferenceResolver: NoSources.Instance);

    private static ImmutableArray<MetadataReference> Load()
    {
        Assembly[] assemblies =
        [
            typeof(object).Assembly,
            Assembly.Load(new AssemblyName("System.Runtime")),
            typeof(Queue<>).Assembly,
            typeof(SortedSet<>).Assembly,
            typeof(LinkedList<>).Assembly,
            typeof(PriorityQueue<,>).Assembly,
            typeof(Enumerable).Assembly,
            typeof(Regex).Assembly,
            typeof(JsonElement).Assembly,
            typeof(ScriptGlobals).Assembly,
        ];
        return [.. assemblies.Distinct().Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))];
    }

    /// <summary>Resolves no <c>#r</c>: scripts cannot reference assemblies.</summary>
    private sealed class NoMetadata : MetadataReferenceResolver
    {
        public static readonly NoMetadata Instance = new();

        public override bool Equals(object? other) => other is NoMetadata;

        public override int GetHashCode() => 1;

        public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) => [];
    }

    /// <summary>Resolves no <c>#load</c> and reads no file: scripts cannot pull in source.</summary>
    private sealed class NoSources : SourceReferenceResolver
    {
        public static readonly NoSources Instance = new();

        public override bool Equals(object? other) => other is NoSources;

        public override int GetHashCode() => 2;

        public override string? NormalizePath(string path, string? baseFilePath) => null;

        public override Stream OpenRead(string resolvedPath) => throw new NotSupportedException("Scripts cannot read files.");

        public override string? ResolveReference(string path, string? baseFilePath) => null;
    }
}
