namespace Respond.Workflows.Tests.Docs;

/// <summary>The checkout the tests run from: the folder holding Respond.sln above the test binaries.</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Respond.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Respond.sln above {AppContext.BaseDirectory}.");
    }
}
