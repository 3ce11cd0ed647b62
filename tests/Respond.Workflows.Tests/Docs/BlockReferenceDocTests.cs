using Respond.Workflows.Activities;

namespace Respond.Workflows.Tests.Docs;

public sealed class BlockReferenceDocTests
{
    [Fact]
    public void Docs_BlocksMd_MatchesCatalog()
    {
        var expected = BlockReferenceRenderer.Render(BlockCatalog.All);
        var path = Path.Combine(RepositoryFolder.Root, "docs", "blocks.md");

        // The reference is generated; set RESPOND_UPDATE_DOCS=1 after changing a block to rewrite it.
        if (Environment.GetEnvironmentVariable("RESPOND_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }
        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";

        Assert.Equal(expected, actual);
    }
}
