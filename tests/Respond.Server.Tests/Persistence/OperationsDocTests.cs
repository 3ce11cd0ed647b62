using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Persistence;

/// <summary>docs/operations.md says where every piece of state lives: every table of the model is named there.</summary>
public sealed class OperationsDocTests
{
    [Fact]
    public void EveryTableOfTheModel_IsNamedInOperationsMd()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        var markdown = File.ReadAllText(Path.Combine(RespondServerProcess.RepoRoot(), "docs", "operations.md"));

        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToList();
        // OpenIddict's own tables are named as a group ("OpenIddict tables").
        var missing = tables.Where(t => !t.StartsWith("OpenIddict", StringComparison.Ordinal) && !markdown.Contains($"`{t}`", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(tables);
        Assert.Contains("OpenIddict tables", markdown, StringComparison.Ordinal);
        Assert.Empty(missing);
    }
}
