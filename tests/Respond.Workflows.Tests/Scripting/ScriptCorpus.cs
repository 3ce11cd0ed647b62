namespace Respond.Workflows.Tests.Scripting;

/// <summary>A script file from the hostile corpus or the worker attacks, with what the first line says must stop it.</summary>
public sealed record ScriptCorpusEntry(string Name, string Source, IReadOnlyList<string> Expected)
{
    public override string ToString() => Name;

    public static TheoryData<string> Names(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var path in Files(folder))
        {
            data.Add(Path.GetRelativePath(Root(folder), path).Replace('\\', '/'));
        }
        return data;
    }

    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Root(folder), "*.csx", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static ScriptCorpusEntry Load(string folder, string name)
    {
        var source = File.ReadAllText(Path.Combine(Root(folder), name));
        var header = source.Split('\n')[0];
        Assert.StartsWith("// expect: ", header);
        return new ScriptCorpusEntry(name, source, header["// expect: ".Length..].Trim().Split('|'));
    }

    public bool Matches(string? text) => text is not null && Expected.Any(e => text.Contains(e, StringComparison.Ordinal));

    private static string Root(string folder) => Path.Combine(AppContext.BaseDirectory, "Scripting", folder);
}
