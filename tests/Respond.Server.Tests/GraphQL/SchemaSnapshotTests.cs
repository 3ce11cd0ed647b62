using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.Xunit;

namespace Respond.Server.Tests.GraphQL;

public sealed class SchemaSnapshotTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    /// <summary>Every change to the public API shows up as a diff of this snapshot and must be reviewed.</summary>
    [Fact]
    public void Schema_Printed_MatchesSnapshot()
    {
        var schema = api.Services.GetRequiredService<ISchema>();

        var printed = schema.Print(new PrintOptions { IncludeDescriptions = false, IncludeDeprecationReasons = true });

        Snapshot.Match(printed);
    }
}
